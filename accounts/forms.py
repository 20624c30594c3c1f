"""Account forms: input checks only; the rules live in accounts.services."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalize_phone, phone_validator

PHONE_WIDGET = forms.TextInput(
    attrs={"autocomplete": "tel", "inputmode": "numeric", "placeholder": "13800138000"}
)


class PhoneField(forms.CharField):
    default_validators = [phone_validator]

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", PHONE_WIDGET)
        super().__init__(**kwargs)

    def to_python(self, value):
        return normalize_phone(super().to_python(value))


class LearnerForm(forms.Form):
    """A form a learner fills in: says plainly which field is missing."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = _("Please fill in %(field)s.") % {
                "field": field.label
            }


def code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Verification code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class CodeRequestForm(LearnerForm):
    """The first step of registering or resetting a password: a code to the number."""

    phone = PhoneField(help_text=_("We send a 6-digit code to this number."))


class RegistrationForm(LearnerForm):
    phone = PhoneField(help_text=_("Your mobile number is your account; you log in with it."))
    code = code_field()
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    real_name = forms.CharField(
        label=_("Real name"), max_length=30, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    work_unit = forms.CharField(
        label=_("Work unit"),
        max_length=120,
        help_text=_("Your employer, e.g. 国网吉林省电力有限公司长春供电公司."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    union_card_number = forms.CharField(
        label=_("Union membership card number"),
        max_length=30,
        required=False,
        help_text=_("Optional."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return cleaned


class PhoneLoginForm(AuthenticationForm):
    """Log in with the mobile number. Staff accounts with other usernames work too."""

    username = forms.CharField(label=_("Mobile number"), max_length=150, widget=PHONE_WIDGET)
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The mobile number or the password is not right. Check both, or reset the password."
        ),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_username(self):
        value = self.cleaned_data["username"]
        phone = normalize_phone(value)
        return phone if phone.isdigit() and len(phone) == 11 else value.strip()


class ProfileForm(LearnerForm):
    real_name = forms.CharField(label=_("Real name"), max_length=30)
    work_unit = forms.CharField(label=_("Work unit"), max_length=120)
    union_card_number = forms.CharField(
        label=_("Union membership card number"), max_length=30, required=False
    )


class PasswordResetConfirmForm(LearnerForm):
    phone = PhoneField()
    code = code_field()
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return cleaned
