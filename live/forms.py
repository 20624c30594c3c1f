"""The admin's form for scheduling a live lecture: input checks only."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses.models import CoursePage
from live import selectors


class LiveLectureForm(WagtailAdminModelForm):
    """Choose the lesson (of a course of one's own units) or the night-school class."""

    lesson = forms.ChoiceField(
        label=_("Lesson of kind live (直播)"),
        required=False,
        help_text=_(
            "The lesson of a course that this lecture is; its replay becomes the lesson's video."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["lesson"].choices = [("", "—"), *selectors.schedulable_lessons(user=user)]
        if self.instance.course_id and self.instance.lesson_key:
            self.initial["lesson"] = f"{self.instance.course_id}:{self.instance.lesson_key}"
        if "class_session" in self.fields:
            self.fields["class_session"].queryset = selectors.schedulable_classes(user=user)

    def clean(self):
        cleaned = super().clean()
        lesson = cleaned.get("lesson")
        session = cleaned.get("class_session")
        if bool(lesson) == bool(session):
            raise ValidationError(
                _("Choose either the lesson of a course or a night-school class, one of them.")
            )
        if lesson:
            course_id, _sep, key = lesson.partition(":")
            self.instance.course = CoursePage.objects.get(pk=int(course_id))
            self.instance.lesson_key = uuid.UUID(key)
        else:
            self.instance.course = None
            self.instance.lesson_key = None
        return cleaned
