from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets import AdminPageChooser
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from search import selectors, views
from search.models import EditorsPick, Synonym
from search.permissions import HeadquartersPolicy, may_see_query_report

ZERO_QUERIES_BESIDE = 20


class PrefilledCreateView(CreateView):
    """Opened from the query report with ?query=…, the form starts with that query."""

    prefill_field: str

    def get_initial(self):
        return {**super().get_initial(), self.prefill_field: self.request.GET.get("query", "")}


class SynonymCreateView(PrefilledCreateView):
    prefill_field = "terms"


class PickCreateView(PrefilledCreateView):
    prefill_field = "query"


class SynonymIndexView(IndexView):
    """The vocabulary, with what people searched without finding a course beside it."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["zero_queries"] = selectors.query_report(limit=ZERO_QUERIES_BESIDE)["zero"]
        return context


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "resubmit"
    add_view_class = SynonymCreateView
    index_view_class = SynonymIndexView
    index_template_name = "search/admin/synonym_index.html"
    list_per_page = 50
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


register_permission_policy(Synonym, HeadquartersPolicy(Synonym))
register_permission_policy(EditorsPick, HeadquartersPolicy(EditorsPick))
register_snippet(SearchGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    def report(request):
        if not may_see_query_report(request.user):
            raise PermissionDenied
        return views.query_report(request)

    return [path("search/queries/", report, name="search_query_report")]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_query_report(request.user)


@hooks.register("register_admin_menu_item")
def register_report_menu_item():
    return ReportMenuItem(
        _("Search terms"), reverse("search_query_report"), icon_name="list-ol", order=281
    )
