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


class AuditAction(models.TextChoices):
    LEDGER_ADJUSTED = "ledger_adjusted", _("Learning hours adjusted")
    ENROLMENT_APPROVED = "enrolment_approved", _("Enrolment request approved")
    ENROLMENT_REFUSED = "enrolment_refused", _("Enrolment request turned down")
    ENROLMENT_REMOVED = "enrolment_removed", _("Learner taken out of a course")
    LEARNERS_ENROLLED = "learners_enrolled", _("Learners enrolled from a file")
    CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")
    MEMBER_ADDED = "member_added", _("Appointed to a group")
    MEMBER_REMOVED = "member_removed", _("Removed from a group")
    COURSES_IMPORTED = "courses_imported", _("Courses imported")
    EXPORTED = "exported", _("Exported")


class AuditEntry(models.Model):
    """One back-office action, beyond what Wagtail's page history records: who, when,
    what, and in which unit (for showing each admin the entries of their own units).
    Written by `lms.services.audit_record` in the transaction of the action itself."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_name = models.CharField(_("who"), max_length=150)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    unit_id = models.IntegerField(_("unit"), null=True, blank=True, db_index=True)
    unit_title = models.CharField(_("unit"), max_length=255, blank=True)
    subject = models.CharField(_("what"), max_length=255, blank=True)
    detail = models.CharField(_("details"), max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("back-office log entry")
        verbose_name_plural = _("back-office log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"
