from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NightSchoolConfig(AppConfig):
    name = "nightschool"
    verbose_name = _("Night school")

    def ready(self):
        from learning.audit import HoursSource, register_hours_source
        from learning.models import LedgerSource
        from nightschool import sections, signal_handlers
        from nightschool.selectors import class_minutes_by_learner

        signal_handlers.connect()
        sections.register()
        register_hours_source(
            HoursSource(
                name=_("class attendance"),
                sources=frozenset({LedgerSource.CLASS}),
                expected=class_minutes_by_learner,
            )
        )
