"""Admin forms: each offers only the user's own units, banks, questions and courses."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses.models import CoursePage
from exams import selectors
from exams.formats import FORMATS
from exams.models import QuestionType

UPLOAD_MAX_BYTES = 10 * 1024 * 1024


def _limit_units(form) -> None:
    if form.for_user is None or "unit" not in form.fields:
        return
    units = selectors.managed_units(user=form.for_user)
    form.fields["unit"].queryset = units
    if not form.instance.pk and units.count() == 1:
        form.initial.setdefault("unit", units.values_list("pk", flat=True).first())


class UnitScopedForm(WagtailAdminModelForm):
    """Banks, papers and exams: only the user's own units can own them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_units(self)
        user = self.for_user
        if user is None:
            return
        if "paper" in self.fields:
            self.fields["paper"].queryset = selectors.papers_managed_by(user=user)
        if "course" in self.fields:
            paths = selectors.managed_unit_paths(user=user)
            courses = CoursePage.objects.all()
            if paths is not None:
                courses = courses.filter(
                    pk__in=[
                        page.pk
                        for path in paths
                        for page in CoursePage.objects.filter(path__startswith=path).only("pk")
                    ]
                )
            self.fields["course"].queryset = courses.order_by("title")
        for formset in getattr(self, "formsets", {}).values():
            for form in [*formset.forms, formset.empty_form]:
                if "banks" in form.fields:
                    form.fields["banks"].queryset = selectors.banks_usable_by(user=user)
                if "question" in form.fields:
                    form.fields["question"].queryset = selectors.questions_usable_by(
                        user=user
                    ).select_related("bank")


class QuestionForm(WagtailAdminModelForm):
    """A question: options one per line (A–F), the answer as letters, 对/错, or blanks
    separated by | with alternatives separated by ;."""

    options_text = forms.CharField(
        label=_("options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Choice questions: one option per line, A to F in order."),
    )
    answer_text = forms.CharField(
        label=_("answer"),
        required=False,
        max_length=5000,
        help_text=_(
            "Single/multiple choice: letters, e.g. B or ACD. True/false: 对 or 错. "
            "Fill-in: blanks separated by |, accepted alternatives by ; (电压|5;五). "
            "Short answer: the reference answer."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["bank"].queryset = selectors.banks_managed_by(user=self.for_user)
        if self.instance.pk:
            from exams.exports import answer_text

            self.initial["options_text"] = "\n".join(self.instance.options)
            self.initial["answer_text"] = answer_text(self.instance)

    def clean(self):
        from exams.formats import QuestionRow, read_answer

        data = super().clean()
        qtype = data.get("type")
        if not qtype:
            return data
        options = [
            line.strip() for line in data.get("options_text", "").splitlines() if line.strip()
        ]
        row = QuestionRow(row=0, type=qtype, stem="")
        error = read_answer(
            row,
            qtype,
            options if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE) else [],
            data.get("answer_text", "").strip(),
        )
        if error:
            self.add_error("answer_text", error)
            return data
        self.instance.options, self.instance.answer = row.options, row.answer
        self.instance.reference_answer = row.reference_answer
        return data


class ImportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=list(FORMATS.items()))
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class MarkForm(forms.Form):
    score = forms.DecimalField(
        label=_("Score"), min_value=Decimal(0), max_digits=5, decimal_places=1
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


class RegistrationForm(forms.Form):
    numbers = forms.CharField(
        label=_("Mobile numbers"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=200_000,
        help_text=_("One mobile number per line; the candidates must have registered."),
    )
