from wagtail import hooks
from wagtail.permissions import register_permission_policy

from exams.models import Exam, Paper, Question, QuestionBank
from exams.viewsets import ExamsGroup, UnitPermissionPolicy

# Before the viewsets are built, so that they use these instead of model permissions.
for model in (QuestionBank, Question, Paper, Exam):
    register_permission_policy(model, UnitPermissionPolicy(model))


@hooks.register("register_admin_viewset")
def register_exams():
    return ExamsGroup()
