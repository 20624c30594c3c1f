from django.urls import path
from django.views.decorators.http import require_POST

from learning import admin_views

app_name = "learning_admin"
urlpatterns = [
    path("hours/", admin_views.ledger_index, name="ledger"),
    path("hours/adjust/", require_POST(admin_views.ledger_adjust_view), name="adjust"),
    path("hours/target/", require_POST(admin_views.target_set_view), name="target"),
    path("certificates/", admin_views.certificate_index, name="certificates"),
    path(
        "certificates/<int:pk>/revoke/",
        require_POST(admin_views.certificate_revoke_view),
        name="revoke",
    ),
    path("certificates/course/<int:course_id>.zip", admin_views.certificate_zip, name="zip"),
]
