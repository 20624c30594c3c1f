from django import forms
from django.utils.translation import gettext_lazy as _

KIND_CHOICES = [("admins", _("Administrator")), ("lecturers", _("Lecturer"))]


class StaffAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Appoint as"), choices=KIND_CHOICES)
    account = forms.CharField(
        label=_("Mobile number or user name"),
        max_length=150,
        help_text=_("The person's account on this site."),
    )
    name = forms.CharField(
        label=_("Name (for a new account)"),
        max_length=60,
        required=False,
        help_text=_("Only when the person has no account yet: one is made with this name."),
    )
    password = forms.CharField(
        label=_("First password (for a new account)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Tell it to the person; they should change it when they first log in."),
    )

    def __init__(self, *args, admins_editable: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not admins_editable:
            self.fields["kind"].choices = [c for c in KIND_CHOICES if c[0] == "lecturers"]
