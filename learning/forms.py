from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning.models import LedgerSource

GROUP_CHOICES = [
    ("academy", _("by academy")),
    ("course", _("by course")),
    ("learner", _("by learner")),
]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * max(0, obj.depth - 3) + obj.title


class LedgerFilterForm(forms.Form):
    unit = UnitChoiceField(queryset=None, required=False, label=_("Academy or base"))
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, label=_("Year"))
    source = forms.ChoiceField(
        choices=[("", _("All sources")), *LedgerSource.choices], required=False, label=_("Source")
    )
    learner = forms.CharField(required=False, label=_("Mobile number"))
    group_by = forms.ChoiceField(choices=GROUP_CHOICES, required=False, label=_("Export"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        filters = {}
        if data.get("unit"):
            filters["academy_id"] = data["unit"].pk
        if data.get("year"):
            filters["created_at__year"] = data["year"]
        if data.get("source"):
            filters["source"] = data["source"]
        if data.get("learner"):
            filters["learner__username"] = data["learner"].strip()
        return filters


class AdjustmentForm(forms.Form):
    learner = forms.CharField(label=_("Mobile number of the learner"))
    unit = UnitChoiceField(queryset=None, label=_("Academy or base"))
    minutes = forms.IntegerField(
        label=_("Minutes"),
        help_text=_("Positive to add hours, negative to remove them (e.g. -90)."),
        min_value=-100_000,
        max_value=100_000,
    )
    reason = forms.CharField(label=_("Reason"), max_length=255)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean_learner(self):
        username = self.cleaned_data["learner"].strip()
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(
                _("No learner has the mobile number %(number)s.") % {"number": username}
            )
        return user


class TargetForm(forms.Form):
    unit = UnitChoiceField(queryset=None, label=_("Academy or base"))
    year = forms.IntegerField(
        min_value=2000, max_value=2100, label=_("Year"), initial=lambda: timezone.localdate().year
    )
    hours = forms.IntegerField(min_value=1, max_value=2000, label=_("Hours per learner"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=255)
