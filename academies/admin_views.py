"""人员管理: headquarters and academy admins appoint and remove the administrators and
lecturers of the units below them, without a superuser."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academies.forms import StaffAddForm
from academies.selectors import staff_unit, staff_units
from academies.services import StaffError, unit_member_add, unit_member_remove
from accounts.phones import normalize_phone
from accounts.selectors import display_name
from accounts.services import learner_register


def staff_index(request):
    units = staff_units(user=request.user)
    if not units:
        raise PermissionDenied
    top = min(len(item.unit.path) for item in units)
    for item in units:
        item.indent = (len(item.unit.path) - top) // 4
    return render(request, "academies/admin/staff_index.html", {"units": units})


def _account(form: StaffAddForm, unit):
    """The account named in the form, or a new one made with the name and password
    (its work unit: the unit the person is appointed to)."""
    data = form.cleaned_data
    account = data["account"].strip()
    user_model = get_user_model()
    found = user_model.objects.filter(username__in={account, normalize_phone(account)}).first()
    if found is not None:
        return found
    if not data["name"] or not data["password"]:
        form.add_error(
            "account",
            _(
                "No account has this mobile number or user name. Ask the person to register, "
                "or give a name and a first password to make the account here."
            ),
        )
        return None
    try:
        return learner_register(
            phone=account,
            password=data["password"],
            real_name=data["name"],
            work_unit=unit.title[:100],
        )
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error("password" if field == "password" else "account", errors)
        return None


def staff_unit_view(request, unit_id: int):
    item = staff_unit(user=request.user, unit_id=unit_id)
    if item is None:
        raise PermissionDenied
    form = StaffAddForm(request.POST or None, admins_editable=item.admins_editable)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            member = _account(form, item.unit)
            if member is not None:
                try:
                    added = unit_member_add(
                        by=request.user,
                        unit=item.unit,
                        kind=form.cleaned_data["kind"],
                        member=member,
                    )
                except StaffError as error:
                    form.add_error(None, str(error))
                    transaction.set_rollback(True)
                else:
                    text = (
                        _("%(name)s was appointed.") if added else _("%(name)s was already there.")
                    )
                    messages.success(request, text % {"name": display_name(member)})
                    return redirect("academies_admin:staff_unit", item.unit.pk)
    groups = [
        ("admins", item.admins, item.admins_editable),
        ("lecturers", item.lecturers, True),
    ]
    return render(
        request,
        "academies/admin/staff_unit.html",
        {"item": item, "form": form, "groups": groups},
    )


@require_POST
def staff_remove(request, unit_id: int, kind: str, user_id: int):
    item = staff_unit(user=request.user, unit_id=unit_id)
    member = get_user_model().objects.filter(pk=user_id).first()
    if item is None or member is None:
        raise PermissionDenied
    try:
        unit_member_remove(by=request.user, unit=item.unit, kind=kind, member=member)
    except StaffError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s was removed.") % {"name": display_name(member)})
    return redirect("academies_admin:staff_unit", item.unit.pk)
