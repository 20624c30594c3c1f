from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from courses import sections, selectors, signal_handlers
        from video.selectors import register_watch_policy

        signal_handlers.connect()
        # Learners enrolled in a course may watch the restricted videos of its lessons.
        register_watch_policy(selectors.enrolled_in_a_lesson_using)
        # Anyone may watch the video of a free preview (试看) of a public course.
        register_watch_policy(selectors.previewed_in_a_public_course)
        # Its sections of the home page and of academy and base pages.
        sections.register()
