from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = _("Exams and question banks")

    def ready(self):
        from exams import selectors
        from learning.requirements import register_certificate_lines, register_course_requirement
        from lms.figures import register_figure_provider

        # A course with a final exam is complete only once the learner passed it, and its
        # certificate shows the score.
        register_course_requirement(selectors.final_exam_passed)
        register_certificate_lines(selectors.certificate_score_lines)
        # Pass rates join the back-office dashboards (which may not import exams).
        register_figure_provider(selectors.pass_rate_figures)
