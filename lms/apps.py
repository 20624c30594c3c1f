from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Platform")

    def ready(self):
        from lms import checks, signal_handlers  # noqa: F401 — checks registers a system check

        signal_handlers.connect()
