from django.urls import path

from nightschool import views

app_name = "nightschool"

urlpatterns = [
    path("nightschool/", views.home, name="home"),
    path("nightschool/classes/<int:session_id>/", views.class_detail, name="class"),
    path("nightschool/classes/<int:session_id>/book/", views.book, name="book"),
    path("nightschool/classes/<int:session_id>/attendance/", views.attendance, name="attendance"),
    path("nightschool/classes/<int:session_id>/code/", views.code_screen, name="code"),
    path("nightschool/classes/<int:session_id>/code.json", views.code_json, name="code_json"),
    path("nightschool/classes/<int:session_id>/live.json", views.live_json, name="live_json"),
    path("nightschool/bookings/<int:booking_id>/cancel/", views.cancel, name="cancel"),
    path("nightschool/bookings/<int:booking_id>/accept/", views.accept_offer, name="accept"),
    path(
        "nightschool/checkin/<int:session_id>/continue/",
        views.checkin_continue,
        name="checkin_continue",
    ),
    path("nightschool/checkin/<int:session_id>/<str:token>/", views.checkin, name="checkin"),
]
