from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks

from academies.models import AcademyUnitPage
from academies.selectors import may_delete_unit


@hooks.register("before_delete_page")
def keep_units_of_their_own_admins(request, page):
    if isinstance(page.specific, AcademyUnitPage) and not may_delete_unit(
        user=request.user, page=page
    ):
        messages.error(
            request,
            _("Only the administrators of the unit above can delete %(title)s.")
            % {"title": page.title},
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None
