from wagtail import hooks
from wagtail.permissions import register_permission_policy

from nightschool.models import ClassSession, Term, Venue
from nightschool.viewsets import NightSchoolGroup, SitePermissionPolicy

# Before the viewsets are built, so that they use these instead of model permissions.
for model in (ClassSession, Venue, Term):
    register_permission_policy(model, SitePermissionPolicy(model))


@hooks.register("register_admin_viewset")
def register_night_school():
    return NightSchoolGroup()
