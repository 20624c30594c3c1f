"""Forms of the video library: the upload form (also validating tus metadata) and the
admin edit form."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.models import Collection

from accounts.selectors import display_name
from video.models import Visibility
from video.selectors import collections_for_upload, permission_policy


def lecturer_choices(*, current=None):
    """People who may upload videos somewhere (the academies' lecturers and admins)."""
    users = get_user_model().objects.filter(is_active=True)
    candidates = Q(groups__collection_permissions__permission__codename="add_video")
    if current is not None:
        candidates |= Q(pk=current.pk)
    return users.filter(candidates).distinct().order_by("first_name", "last_name", "username")


class LecturerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = display_name(obj)
        return name if name == obj.username else f"{name}({obj.username})"


class VideoUploadForm(forms.Form):
    """What a lecturer says about a file before sending it; sent again as tus metadata."""

    title = forms.CharField(label=_("Title"), max_length=255)
    collection = forms.ModelChoiceField(label=_("Academy collection"), queryset=Collection.objects)
    lecturer = LecturerChoiceField(
        label=_("Lecturer"), queryset=get_user_model().objects.none(), required=False
    )
    visibility = forms.ChoiceField(
        label=_("Who may watch"), choices=Visibility.choices, initial=Visibility.RESTRICTED
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["style"] = "max-width: calc(100vw - 40px)"  # 360 px phones
        collections = collections_for_upload(user)
        self.fields["collection"].queryset = collections
        if len(collections) == 1:
            self.fields["collection"].initial = collections[0].pk
        self.fields["lecturer"].queryset = lecturer_choices(current=user)
        self.fields["lecturer"].initial = user.pk


class VideoAdminForm(WagtailAdminModelForm):
    """Edit form: only the editor's own collections and the platform's lecturers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "collection" in self.fields and user is not None:
            collections = permission_policy().collections_user_has_any_permission_for(
                user, ["add", "change"]
            )
            self.fields["collection"].queryset = collections | Collection.objects.filter(
                pk=self.instance.collection_id
            )
            self.fields["collection"].empty_label = None
        if "lecturer" in self.fields:
            field = self.fields["lecturer"]
            self.fields["lecturer"] = LecturerChoiceField(
                queryset=lecturer_choices(current=self.instance.lecturer),
                required=False,
                label=field.label,
                help_text=field.help_text,
            )
