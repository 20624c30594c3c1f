from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NightSchoolConfig(AppConfig):
    name = "nightschool"
    verbose_name = _("Night school")

    def ready(self):
        from nightschool import sections, signal_handlers

        signal_handlers.connect()
        sections.register()
