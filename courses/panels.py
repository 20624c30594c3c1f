"""Panels of the course editor beyond plain fields."""

from wagtail.admin.panels import Panel


class StudyTimePanel(Panel):
    """The study time of the course's required lessons (what a learner who studies all of
    them is credited) beside the learning hours typed on the course, and the difference."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/study_time_panel.html"

        def get_context_data(self, parent_context=None):
            from courses.selectors import course_study_time

            context = super().get_context_data(parent_context)
            context["study"] = course_study_time(course=self.instance)
            return context
