import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from lms.blocks import BodyBlock
from lms.sections import HOME, render_sections


class HomePage(Page):
    """The site root: what leads a worker to learning — hot searches, 继续学习, new,
    recommended and popular courses, night-school classes, live lectures, the academies —
    each a section an app registers (lms.sections), then the introduction."""

    lead = StreamField(BodyBlock(), blank=True, verbose_name=_("Introduction"))

    content_panels = [*Page.content_panels, FieldPanel("lead")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["academies.HeadquartersPage", "nightschool.NightSchoolPage"]
    max_count = 1

    class Meta:
        verbose_name = _("Home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = render_sections(slot=HOME, request=request, page=self)
        return context


class Notification(models.Model):
    """A message to one user shown under 消息 (and, for learners, also sent by text message):
    a seat offered from a waiting list, a class reminder … Written by `lms.services.notify`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    sms_sent_at = models.DateTimeField(_("text message sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"{self.user_id}: {self.text[:40]}"


class AppToken(models.Model):
    """A log-in of a phone app or the WeChat mini-program: the bearer token of the JSON
    API, issued for the mobile number and password, valid for a limited time; see
    `lms.services`. (Wagtail's own ``APIToken`` is a named, never-expiring token made in
    the admin for integrations; these come and go with the learner's devices.)

    Only the SHA-256 of the token is stored. ``password_check`` ties it to the password
    it was issued under, as Django does with sessions: a new password ends it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="app_tokens",
        verbose_name=_("user"),
    )
    key_hash = models.CharField(max_length=64, unique=True)
    password_check = models.CharField(max_length=128)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("app log-in")
        verbose_name_plural = _("app log-ins")

    def __str__(self):
        return f"{self.user_id} until {self.expires_at:%Y-%m-%d}"

    @staticmethod
    def digest(raw: str) -> str:
        """What is stored of a token: its SHA-256."""
        return hashlib.sha256(raw.encode()).hexdigest()
