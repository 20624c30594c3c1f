from django.urls import path

from exams import views

app_name = "exams"

urlpatterns = [
    path("exams/", views.exam_list, name="list"),
    path("exams/mistakes/", views.mistake_book, name="mistakes"),
    path("exams/mistakes/<int:question_id>/", views.mistake_retry, name="mistake_retry"),
    path("exams/<int:exam_id>/", views.exam_detail, name="detail"),
    path("exams/<int:exam_id>/start/", views.exam_start, name="start"),
    path("exams/attempts/<int:attempt_id>/", views.attempt_take, name="take"),
    path("exams/attempts/<int:attempt_id>/claim/", views.attempt_claim, name="claim"),
    path("exams/attempts/<int:attempt_id>/answers/", views.answer_save, name="save"),
    path("exams/attempts/<int:attempt_id>/events/", views.event_record, name="event"),
    path("exams/attempts/<int:attempt_id>/submit/", views.attempt_submit, name="submit"),
    path("exams/attempts/<int:attempt_id>/result/", views.attempt_result, name="result"),
]
