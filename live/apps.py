from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = _("Live lectures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses.hooks import register_lesson_panel
        from live import sections, selectors

        # A lesson of kind 直播 shows its lecture (countdown, link, replay) on its page.
        register_lesson_panel(selectors.lesson_panel)
        # Lectures on air and coming, on the home page.
        sections.register()
