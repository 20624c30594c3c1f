from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses import admin_urls, selectors
from courses.models import Category, CoursePage, Honour


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    list_display = ["name", "city", "is_fixed", "sort_order"]
    search_fields = ["name", "city"]


class HonourViewSet(SnippetViewSet):
    model = Honour
    icon = "pick"
    list_display = ["name", "sort_order"]


class CatalogueGroup(SnippetViewSetGroup):
    items = (CategoryViewSet, HonourViewSet)
    menu_label = gettext_lazy("Course lists")
    menu_icon = "folder-open-inverse"
    menu_order = 250


register_snippet(CatalogueGroup)


@hooks.register("before_delete_snippet")
def keep_the_fixed_categories(request, instances):
    fixed = [item for item in instances if isinstance(item, Category) and item.is_fixed]
    if fixed:
        messages.error(
            request,
            _("%(names)s belong to the fixed four of the “4+N” model and cannot be deleted.")
            % {"names": "、".join(category.name for category in fixed)},
        )
        return redirect("wagtailsnippets_courses_category:list")
    return None


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("courses/", include(admin_urls))]


class ManagerMenuItem(MenuItem):
    def is_shown(self, request):
        return selectors.manages_courses(user=request.user)


@hooks.register("register_admin_menu_item")
def register_enrolment_menu_item():
    return ManagerMenuItem(
        gettext_lazy("Enrolment requests"),
        reverse("courses_admin:queue"),
        icon_name="group",
        order=260,
    )


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ManagerMenuItem(
        gettext_lazy("Import courses"),
        reverse("courses_admin:import"),
        icon_name="upload",
        order=270,
    )


class CourseLearnersButton(PageMenuItem):
    label = gettext_lazy("Learners and progress")
    icon_name = "group"
    url_name = "courses_admin:learners"

    def is_shown(self, user):
        return self.page.specific_class is CoursePage and (
            selectors.can_manage_course(user=user, course=self.page)
        )


@hooks.register("register_page_header_buttons")
def course_learners_header_button(page, user, view_name, next_url=None):
    yield CourseLearnersButton(page=page, priority=5)


@hooks.register("register_page_listing_more_buttons")
def course_learners_listing_button(page, user, next_url=None):
    yield CourseLearnersButton(page=page, priority=3)
