import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models import AuditAction

# A period longer than this is refused: nobody reads ten years of months on a phone.
LONGEST_PERIOD = datetime.timedelta(days=366 * 5)


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last twelve calendar months, this one included."""
    year, month = (
        (today.year, today.month - 11)
        if today.month == 12
        else (
            today.year - 1,
            today.month + 1,
        )
    )
    return datetime.date(year, month, 1), today


class DashboardFilterForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, units: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        top = min((len(unit["path"]) for unit in units), default=0)
        self.fields["unit"].choices = [
            (unit["pk"], "　" * ((len(unit["path"]) - top) // 4) + unit["title"]) for unit in units
        ]

    def clean(self):
        data = super().clean()
        default_start, default_end = default_period(timezone.localdate())
        data["start"] = data.get("start") or default_start
        data["end"] = data.get("end") or default_end
        if data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        if data["end"] - data["start"] > LONGEST_PERIOD:
            raise forms.ValidationError(_("Please choose a period of at most five years."))
        return data


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *AuditAction.choices]
