"""Exams in the Wagtail admin: banks, questions, papers and exams of the user's own
units, and the pages for importing, results, marking and registrations."""

from django.contrib.auth import get_user_model
from django.db.models import Count, ProtectedError, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem as AdminMenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import DeleteView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import BasePermissionPolicy

from academies.selectors import unit_page_models
from exams import admin_views, selectors
from exams.forms import QuestionForm, UnitScopedForm
from exams.models import Exam, ExamKind, Paper, Question, QuestionBank

SCOPES = {
    QuestionBank: selectors.banks_managed_by,
    Question: selectors.questions_managed_by,
    Paper: selectors.papers_managed_by,
    Exam: selectors.exams_managed_by,
}


class UnitPermissionPolicy(BasePermissionPolicy):
    """Banks, questions, papers and exams belong to a unit: its admins and lecturers
    (and those of the units above it) manage them; superusers manage all."""

    def _scope(self, user):
        return SCOPES[self.model](user=user)

    def user_has_permission(self, user, action):
        paths = selectors.managed_unit_paths(user=user)
        return user.is_active and (paths is None or bool(paths))

    def user_has_permission_for_instance(self, user, action, instance):
        return user.is_active and self._scope(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not user.is_active:
            return self.model.objects.none()
        return self._scope(user)

    def users_with_any_permission(self, actions):
        groups = Q()
        for model in unit_page_models():
            groups |= Q(groups__in=model.objects.values("admin_group"))
            groups |= Q(groups__in=model.objects.values("lecturer_group"))
        return (
            get_user_model()
            .objects.filter(Q(is_superuser=True) | groups, is_active=True)
            .distinct()
        )


class OwnOnlyEditView(EditView):
    """Other units' objects are not found (404) rather than shown."""

    def get_queryset(self):
        return self.permission_policy.instances_user_has_permission_for(self.request.user, "change")


class OwnOnlyDeleteView(DeleteView):
    def get_queryset(self):
        return self.permission_policy.instances_user_has_permission_for(self.request.user, "delete")

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ProtectedError:
            messages.error(
                request,
                _(
                    "%(object)s is still used by a paper, an exam or an attempt and cannot "
                    "be deleted."
                )
                % {"object": self.object},
            )
            return redirect(self.index_url_name)


class OwnOnlyIndexView(IndexView):
    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_permission_for(self.request.user, "change")


class BankIndexView(OwnOnlyIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(question_count=Count("questions"))

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            Button(
                _("Download the import template"),
                url=reverse("exams_admin:template"),
                icon_name="download",
            ),
        ]

    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            MenuItem(
                _("Import questions"),
                url=reverse("exams_admin:import", args=(instance.pk,)),
                icon_name="upload",
                priority=12,
            ),
            MenuItem(
                _("Export to the template"),
                url=reverse("exams_admin:export", args=(instance.pk,)),
                icon_name="download",
                priority=13,
            ),
            MenuItem(
                _("Questions"),
                url=reverse("exams_questions:index") + f"?bank={instance.pk}",
                icon_name="help",
                priority=11,
            ),
        ]


class ExamIndexView(OwnOnlyIndexView):
    def get_list_more_buttons(self, instance):
        buttons = [
            *super().get_list_more_buttons(instance),
            MenuItem(
                _("Results"),
                url=reverse("exams_admin:results", args=(instance.pk,)),
                icon_name="table",
                priority=5,
            ),
        ]
        if instance.kind == ExamKind.COMPETITION:
            buttons.append(
                MenuItem(
                    _("Registrations"),
                    url=reverse("exams_admin:registrations", args=(instance.pk,)),
                    icon_name="group",
                    priority=6,
                )
            )
        return buttons


class UnitScopedViewSet(ModelViewSet):
    index_view_class = OwnOnlyIndexView
    edit_view_class = OwnOnlyEditView
    delete_view_class = OwnOnlyDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    form_class = UnitScopedForm

    def get_edit_handler(self):
        return ObjectList(self.model.panels, base_form_class=self.form_class).bind_to_model(
            self.model
        )


class BankViewSet(UnitScopedViewSet):
    model = QuestionBank
    name = "exams_banks"
    url_prefix = "exams/banks"
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Question banks")
    index_view_class = BankIndexView
    list_display = [
        "name",
        "unit",
        "shared",
        Column("questions", label=gettext_lazy("questions"), accessor="question_count"),
    ]
    list_filter = ["shared"]
    search_fields = ["name"]


class QuestionViewSet(UnitScopedViewSet):
    model = Question
    name = "exams_questions"
    url_prefix = "exams/questions"
    icon = "help"
    menu_label = gettext_lazy("Questions")
    form_class = QuestionForm
    list_display = ["__str__", "type", "difficulty", "bank"]
    list_filter = ["bank", "type", "difficulty"]
    search_fields = ["stem", "explanation"]
    panels = [
        FieldPanel("bank"),
        FieldRowPanel([FieldPanel("type"), FieldPanel("difficulty")]),
        FieldPanel("stem"),
        FieldPanel("options_text"),
        FieldPanel("answer_text"),
        FieldPanel("loose_matching"),
        FieldPanel("explanation"),
        FieldPanel("knowledge_points"),
    ]

    def get_edit_handler(self):
        return ObjectList(self.panels, base_form_class=QuestionForm).bind_to_model(Question)


class PaperViewSet(UnitScopedViewSet):
    model = Paper
    name = "exams_papers"
    url_prefix = "exams/papers"
    icon = "doc-full"
    menu_label = gettext_lazy("Papers")
    list_display = ["title", "unit", "created_at"]
    search_fields = ["title"]


class ExamViewSet(UnitScopedViewSet):
    model = Exam
    name = "exams_exams"
    url_prefix = "exams/exams"
    icon = "form"
    menu_label = gettext_lazy("Exams")
    index_view_class = ExamIndexView
    list_display = ["title", "kind", "unit", "published"]
    list_filter = ["kind", "published"]
    search_fields = ["title"]


class ManagerMenuItem(AdminMenuItem):
    def is_shown(self, request):
        paths = selectors.managed_unit_paths(user=request.user)
        return paths is None or bool(paths)


class ExamsAdminViewSet(ViewSet):
    """Import, export, results, attempts, marking and registrations."""

    name = "exams_admin"
    url_prefix = "exams/manage"
    icon = "tasks"
    menu_label = gettext_lazy("Marking queue")
    menu_name = "exams-marking"
    menu_item_class = ManagerMenuItem

    def get_urlpatterns(self):
        return [
            path("", admin_views.marking_queue, name="marking"),
            path("template.xlsx", admin_views.template_download, name="template"),
            path("banks/<int:bank_id>/import/", admin_views.bank_import, name="import"),
            path("banks/<int:bank_id>/export/", admin_views.bank_export, name="export"),
            path("exams/<int:exam_id>/", admin_views.exam_results, name="results"),
            path("exams/<int:exam_id>/export/", admin_views.results_export, name="results_export"),
            path(
                "exams/<int:exam_id>/registrations/",
                admin_views.registrations,
                name="registrations",
            ),
            path("attempts/<int:attempt_id>/", admin_views.attempt_detail, name="attempt"),
            path("answers/<int:answer_id>/mark/", admin_views.answer_mark, name="mark"),
        ]


class ExamsGroup(ViewSetGroup):
    items = (ExamViewSet, PaperViewSet, BankViewSet, QuestionViewSet, ExamsAdminViewSet)
    menu_label = gettext_lazy("Exams")
    menu_name = "exams"
    menu_icon = "form"
    menu_order = 290
