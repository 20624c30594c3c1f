from django.urls import path

from courses import admin_views

app_name = "courses_admin"

urlpatterns = [
    path("enrolments/", admin_views.enrolment_queue, name="queue"),
    path(
        "enrolments/<int:enrolment_id>/approve/",
        admin_views.enrolment_approve,
        name="approve",
    ),
    path("enrolments/<int:enrolment_id>/reject/", admin_views.enrolment_reject, name="reject"),
    path("enrolments/decide/", admin_views.enrolments_decide, name="decide"),
    path("enrolments/<int:enrolment_id>/remove/", admin_views.enrolment_remove, name="remove"),
    path("course/<int:course_id>/learners/", admin_views.course_learners, name="learners"),
    path("learner/<int:user_id>/", admin_views.learner_report, name="learner"),
    path("import/", admin_views.catalogue_import, name="import"),
    path("import/template.xlsx", admin_views.catalogue_template, name="import_template"),
]
