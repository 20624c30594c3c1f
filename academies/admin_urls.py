from django.urls import path

from academies import admin_views

app_name = "academies_admin"
urlpatterns = [
    path("", admin_views.staff_index, name="staff"),
    path("unit/<int:unit_id>/", admin_views.staff_unit_view, name="staff_unit"),
    path(
        "unit/<int:unit_id>/<slug:kind>/<int:user_id>/remove/",
        admin_views.staff_remove,
        name="staff_remove",
    ),
]
