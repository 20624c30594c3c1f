"""Forms: input checks only; the rules live in courses.services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from academies.selectors import unit_page_models
from courses.models import Category, Level, Mode


class CourseFilterForm(forms.Form):
    category = forms.ModelChoiceField(
        Category.objects.all(), required=False, label=_("Category"), empty_label=_("All")
    )
    level = forms.ChoiceField(
        choices=[("", _("All")), *Level.choices], required=False, label=_("Level")
    )
    mode = forms.ChoiceField(
        choices=[("", _("All")), *Mode.choices], required=False, label=_("Mode")
    )
    tag = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def filters(self) -> dict:
        """The valid filters, for courses.selectors.course_listing; a bad value (an old
        link to a deleted category) is left out rather than refusing the listing."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class CourseCatalogueForm(CourseFilterForm):
    """The catalogue's filters for apps, which also choose the unit (academy, training
    base, night-school site) whose courses to list."""

    academy = forms.ModelChoiceField(Page.objects.none(), required=False, label=_("Academy"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academy"].queryset = Page.objects.live().type(*unit_page_models())


class CatalogueUploadForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Import into"), coerce=int)
    publish = forms.TypedChoiceField(
        label=_("Import as"),
        choices=[
            ("", _("Drafts, to review and publish one by one")),
            ("1", _("Published at once")),
        ],
        coerce=bool,
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A .csv or .xlsx file; the first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(unit.pk, unit.title) for unit in units]


class BulkEnrolForm(forms.Form):
    file = forms.FileField(
        label=_("Mobile numbers"),
        help_text=_(
            "A .csv or .xlsx file with one mobile number per row, in the first column "
            "(or a column headed 手机号)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Reason (shown to the learner)"), max_length=200, required=False)


class BulkDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Turn down"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason (shown to the learners)"),
        max_length=200,
        required=False,
        help_text=_("Required to turn requests down."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("note", "").strip():
            self.add_error("note", _("Please give a reason for turning the requests down."))
        return data
