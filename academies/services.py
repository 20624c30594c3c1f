"""Writes with business rules for the academy hierarchy."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from academies.models import AcademyUnitPage
from academies.selectors import staff_units
from accounts.selectors import display_name
from lms.models import AuditAction
from lms.services import audit_record

# Academy admins may create, edit, publish and unpublish inside their unit but not
# delete it wholesale; deletion stays with headquarters and site admins.
ADMIN_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
ADMIN_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("video", "add_video"),
    ("video", "change_video"),
    ("video", "choose_video"),
)
LECTURER_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
    ("video", "add_video"),
    ("video", "choose_video"),
)


ADMIN_GROUP_NAME = gettext_noop("%(unit)s administrators")
LECTURER_GROUP_NAME = gettext_noop("%(unit)s lecturers")


def _permissions(pairs) -> list[Permission]:
    """The permissions named by (app label, codename) pairs, in one query."""
    pairs = set(pairs)
    apps = {app_label for app_label, _codename in pairs}
    codenames = {codename for _app_label, codename in pairs}
    found = Permission.objects.filter(
        content_type__app_label__in=apps, codename__in=codenames
    ).select_related("content_type")
    permissions = [p for p in found if (p.content_type.app_label, p.codename) in pairs]
    if len(permissions) != len(pairs):
        raise Permission.DoesNotExist(f"missing permissions among {sorted(pairs)}")
    return permissions


def _group_name(template: str, page: Page) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        name = gettext(template) % {"unit": page.title}
    taken = Group.objects.filter(name=name).exists()
    return f"{name} #{page.pk}" if taken else name


def _ensure_group(current: Group | None, template: str, page: Page) -> Group:
    if current is not None:
        return current
    return Group.objects.create(name=_group_name(template, page))


def _ensure_collection(page: AcademyUnitPage) -> Collection:
    parent = page.get_parent().specific
    parent_collection = (
        parent.collection
        if isinstance(parent, AcademyUnitPage) and parent.collection_id
        else Collection.get_first_root_node()
    )
    if page.collection_id:
        collection = page.collection
        if collection.name != page.title:
            collection.name = page.title
            collection.save(update_fields=["name"])
        return collection
    return parent_collection.add_child(name=page.title)


def _grant(group: Group, collection: Collection, permissions) -> None:
    # Rows already there are kept (the unique constraint makes this idempotent).
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(group=group, collection=collection, permission=permission)
            for permission in _permissions(permissions)
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def unit_provision(*, page: AcademyUnitPage) -> None:
    """Give a unit its collection, admin group and lecturer group, with permissions on
    its own subtree and collection only. Idempotent: safe to call on every save."""
    given, page = page, type(page).objects.select_for_update().get(pk=page.pk)
    collection = _ensure_collection(page)
    admin_group = _ensure_group(page.admin_group, ADMIN_GROUP_NAME, page)
    lecturer_group = _ensure_group(page.lecturer_group, LECTURER_GROUP_NAME, page)

    [access_admin] = _permissions([("wagtailadmin", "access_admin")])
    for group in (admin_group, lecturer_group):
        group.permissions.add(access_admin)
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group=admin_group, page=page, permission=permission)
            for permission in _permissions(("wagtailcore", c) for c in ADMIN_PAGE_PERMISSIONS)
        ],
        ignore_conflicts=True,
    )
    _grant(admin_group, collection, ADMIN_COLLECTION_PERMISSIONS)
    _grant(lecturer_group, collection, LECTURER_COLLECTION_PERMISSIONS)

    provisioned = {
        "collection": collection,
        "admin_group": admin_group,
        "lecturer_group": lecturer_group,
    }
    changed = {
        name: value
        for name, value in provisioned.items()
        if getattr(page, f"{name}_id") != value.pk
    }
    if changed:
        # A queryset update: no new revision, no recursion into this handler.
        type(page).objects.filter(pk=page.pk).update(**changed)
    for name, value in provisioned.items():
        setattr(given, name, value)


class StaffError(Exception):
    """A change of a unit's groups that cannot be made; the message says why."""


STAFF_KINDS = ("admins", "lecturers")


def _staff_group(*, by, unit: AcademyUnitPage, kind: str) -> Group:
    allowed = next((item for item in staff_units(user=by) if item.unit.pk == unit.pk), None)
    if (
        kind not in STAFF_KINDS
        or allowed is None
        or (kind == "admins" and not allowed.admins_editable)
    ):
        raise StaffError(
            gettext(
                "You may only change the groups of units below your own "
                "(and the lecturers of your own)."
            )
        )
    group = unit.admin_group if kind == "admins" else unit.lecturer_group
    if group is None:
        raise StaffError(gettext("This unit has no groups yet: save the unit page once."))
    return group


@transaction.atomic
def unit_member_add(*, by, unit: AcademyUnitPage, kind: str, member) -> bool:
    """Appoint `member` to the unit's admins or lecturers; False if already one."""
    group = _staff_group(by=by, unit=unit, kind=kind)
    if member.groups.filter(pk=group.pk).exists():
        return False
    member.groups.add(group)
    audit_record(
        actor=by,
        action=AuditAction.MEMBER_ADDED,
        unit=unit,
        subject=f"{display_name(member)} → {group.name}",
        data={"user": member.pk, "group": group.pk},
    )
    return True


@transaction.atomic
def unit_member_remove(*, by, unit: AcademyUnitPage, kind: str, member) -> bool:
    """Take `member` out of the unit's admins or lecturers; False if not one."""
    group = _staff_group(by=by, unit=unit, kind=kind)
    if not member.groups.filter(pk=group.pk).exists():
        return False
    member.groups.remove(group)
    audit_record(
        actor=by,
        action=AuditAction.MEMBER_REMOVED,
        unit=unit,
        subject=f"{display_name(member)} ← {group.name}",
        data={"user": member.pk, "group": group.pk},
    )
    return True
