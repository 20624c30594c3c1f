"""Forms: input checks only; the rules live in nightschool.services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.phones import normalize_phone, phone_validator
from nightschool.models import NightSchoolPage, Term, Venue
from nightschool.selectors import filter_choices, managed_sites


class ClassFilterForm(forms.Form):
    """Filter a site's upcoming classes by "4+N" category and by city."""

    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int)
    city = forms.ChoiceField(label=pgettext_lazy("place", "City"), required=False)

    def __init__(self, *args, site: NightSchoolPage, **kwargs):
        super().__init__(*args, **kwargs)
        categories, cities = filter_choices(within=site)
        self.categories = {category.pk: category for category in categories}
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.pk, str(category)) for category in categories
        ]
        self.fields["city"].choices = [("", _("All cities"))] + [(city, city) for city in cities]
        if len(cities) < 2:
            del self.fields["city"]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            "category": self.categories.get(self.cleaned_data["category"]),
            "city": self.cleaned_data.get("city", ""),
        }


class PhoneField(forms.CharField):
    default_validators = [phone_validator]

    def to_python(self, value):
        return normalize_phone(super().to_python(value))


class AttendanceForm(forms.Form):
    """An administrator records a learner's attendance by hand."""

    phone = PhoneField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("The learner's account; they need not have booked."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    minutes = forms.IntegerField(
        label=_("Minutes attended"),
        min_value=0,
        help_text=_("0 records the learner as absent."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=255, help_text=_("e.g. 手机没电,由讲师现场确认出勤")
    )


class SiteScopedForm(WagtailAdminModelForm):
    """Admin form for venues, terms and classes: only the user's own night schools (and
    their venues and terms) can be chosen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is None:
            return
        sites = managed_sites(user=self.for_user)
        self.fields["site"].queryset = sites
        several = sites.count() > 1
        if not several and not self.instance.pk:
            # One school: nothing to choose.
            self.initial.setdefault("site", sites.values_list("pk", flat=True).first())
        for name, model in (("term", Term), ("venue", Venue)):
            field = self.fields.get(name)
            if field is None:
                continue
            field.queryset = model.objects.filter(site__in=sites).select_related("site")
            if several:
                field.label_from_instance = lambda obj: f"{obj.site.short_name} · {obj}"
