from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Learning records")

    def ready(self):
        from learning.audit import HoursSource, register_hours_source
        from learning.models import LedgerSource
        from learning.selectors import lesson_minutes_by_learner

        register_hours_source(
            HoursSource(
                name=_("lesson progress"),
                sources=frozenset({LedgerSource.VIDEO, LedgerSource.READING}),
                expected=lesson_minutes_by_learner,
            )
        )
