"""Who may look after search in the admin: the headquarters' admins (the "1" of
"1+6+N" runs the province-wide vocabulary and editors' picks) as well as anyone given
the model permissions."""

from django.contrib.auth import get_user_model
from wagtail.permission_policies.base import ModelPermissionPolicy

from academies.models import HeadquartersPage
from lms.selectors import kept_on_user

REPORT_PERMISSION = "search.view_querycount"


def is_headquarters_admin(user) -> bool:
    if not user.is_active or not user.is_authenticated:
        return False
    groups = HeadquartersPage.objects.exclude(admin_group=None).values("admin_group")
    return kept_on_user(
        user, "search.is_headquarters_admin", lambda: user.groups.filter(pk__in=groups).exists()
    )


class HeadquartersPolicy(ModelPermissionPolicy):
    """Model permissions, and every action for the headquarters' admins."""

    def user_has_permission(self, user, action):
        return super().user_has_permission(user, action) or is_headquarters_admin(user)

    def users_with_any_permission(self, actions):
        groups = HeadquartersPage.objects.exclude(admin_group=None).values("admin_group")
        admins = get_user_model().objects.filter(is_active=True, groups__in=groups)
        return (super().users_with_any_permission(actions) | admins).distinct()


def may_see_query_report(user) -> bool:
    return user.has_perm(REPORT_PERMISSION) or is_headquarters_admin(user)
