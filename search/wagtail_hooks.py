from django.contrib.auth.decorators import permission_required
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets import AdminPageChooser
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet, SnippetViewSetGroup

from search import views
from search.models import EditorsPick, Synonym

REPORT_PERMISSION = "search.view_querycount"


class PrefilledCreateView(CreateView):
    """Opened from the query report with ?query=…, the form starts with that query."""

    prefill_field: str

    def get_initial(self):
        return {**super().get_initial(), self.prefill_field: self.request.GET.get("query", "")}


class SynonymCreateView(PrefilledCreateView):
    prefill_field = "terms"


class PickCreateView(PrefilledCreateView):
    prefill_field = "query"


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "resubmit"
    add_view_class = SynonymCreateView
    list_display = ["terms", "note"]
    search_fields = ["terms", "note"]


class EditorsPickViewSet(SnippetViewSet):
    model = EditorsPick
    icon = "pick"
    add_view_class = PickCreateView
    list_display = ["query", "page", "sort_order"]
    search_fields = ["query"]
    panels = [
        FieldPanel("query"),
        FieldPanel("page", widget=AdminPageChooser(target_models=["courses.CoursePage"])),
        FieldPanel("sort_order"),
        FieldPanel("note"),
    ]


class SearchGroup(SnippetViewSetGroup):
    items = (SynonymViewSet, EditorsPickViewSet)
    menu_label = _("Search")
    menu_icon = "search"
    menu_order = 280


register_snippet(SearchGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    report = permission_required(REPORT_PERMISSION, raise_exception=True)(views.query_report)
    return [path("search/queries/", report, name="search_query_report")]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REPORT_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_report_menu_item():
    return ReportMenuItem(
        _("Search terms"), reverse("search_query_report"), icon_name="list-ol", order=281
    )
