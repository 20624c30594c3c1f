"""The back-office dashboards in the Wagtail admin: a unit's figures with charts, the
units below it to drill into, its most studied courses and its videos."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from accounts.navigation import safe_next_url
from dashboards import selectors
from dashboards.forms import AuditFilterForm, DashboardFilterForm
from dashboards.models import RefreshState
from dashboards.services import Tree, refresh_request
from lms.models import AuditAction
from lms.services import audit_record
from lms.spreadsheets import table_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request, tree: Tree):
    """The unit (one the user may see) and the period asked for."""
    visible = selectors.visible_unit_ids(user=request.user, tree=tree)
    if not visible:
        raise PermissionDenied
    units = [tree.by_id[pk] for pk in sorted(visible, key=lambda pk: tree.by_id[pk]["path"])]
    asked = request.GET.get("unit", "")
    if asked.isascii() and asked.isdigit() and int(asked) not in visible:
        raise PermissionDenied
    form = DashboardFilterForm(request.GET, units=units)
    if not form.is_valid():
        return form, None, visible
    unit_id = form.cleaned_data["unit"] or selectors.top_units(tree=tree, visible=visible)[0]["pk"]
    return form, unit_id, visible


def dashboard(request):
    tree = Tree()
    form, unit_id, visible = _filters(request, tree)
    board = None
    if unit_id is not None:
        board = selectors.dashboard(
            tree=tree,
            unit_id=unit_id,
            visible=visible,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
        )
    query = {}
    if board is not None:
        query = {"start": board.start.isoformat(), "end": board.end.isoformat()}
    return render(
        request,
        "dashboards/admin/dashboard.html",
        {
            "form": form,
            "board": board,
            "charts": _charts(board) if board else {},
            "period_query": urlencode(query),
            "unit_query": urlencode({**query, "unit": unit_id}) if board else "",
            "refresh": RefreshState.objects.filter(pk=1).first(),
        },
    )


def _percent(value) -> str:
    return "—" if value is None else f"{value} %"


def _charts(board) -> dict:
    """The data each chart draws; the same numbers are in the tables beside them."""
    return {
        "months": {
            "type": "bar",
            "labels": [row["month"].strftime("%Y-%m") for row in board.months],
            "series": [{"label": _("Learning hours"), "data": [r["hours"] for r in board.months]}],
        },
        "units": {
            "type": "bar",
            "horizontal": True,
            "labels": [row.unit["title"] for row in board.units],
            "series": [
                {"label": _("Learning hours"), "data": [r.figures.hours for r in board.units]}
            ],
        },
        "videos": {
            "type": "line",
            "labels": [
                f"{round((i + 0.5) * 100 / len(board.videos[0].curve))} %"
                for i in range(len(board.videos[0].curve))
            ]
            if board.videos
            else [],
            "series": [{"label": video.title, "data": video.curve} for video in board.videos[:5]],
            "percent": True,
        },
    }


def _table(board, name: str, tree: Tree):
    """(title, headings, rows) of one of the dashboard's tables, in full, for export."""
    ids = selectors.subtree_ids(tree, board.unit["pk"])
    if name == "months":
        return (
            _("By month"),
            [_("Month"), _("Learning hours"), _("New enrolments"), _("Completions"),
             _("Certificates"), _("Video plays"), _("Class bookings"), _("Attended"),
             _("No-shows")],
            [[r["month"].strftime("%Y-%m"), r["hours"], r["enrolments"], r["completions"],
              r["certificates"], r["plays"], r["bookings"], r["attended"], r["no_shows"]]
             for r in board.months],
        )  # fmt: skip
    if name == "units":
        return (
            _("By unit"),
            [_("Unit"), _("Learners enrolled"), _("Active in the last 7 days"),
             _("Active in the last 30 days"), _("Learning hours"), _("Completions"),
             _("Completion rate"), _("Certificates"), _("Video plays"), _("No-show rate")],
            [[r.unit["title"], r.figures.enrolled, r.figures.active_7, r.figures.active_30,
              r.figures.hours, r.figures.completions, _percent(r.figures.completion_rate),
              r.figures.certificates, r.figures.plays, _percent(r.figures.no_show_rate)]
             for r in board.units],
        )  # fmt: skip
    if name == "courses":
        rows = selectors.course_rows(
            tree=tree, unit_ids=ids, start=board.start, end=board.end, limit=None
        )
        return (
            _("Courses"),
            [_("Course"), _("Unit"), _("Learning hours"), _("Learners enrolled"),
             _("Active in the last 30 days"), _("New enrolments"), _("Completions"),
             _("Completion rate"), _("Certificates")],
            [[r.title, r.unit_title, r.hours, r.enrolled, r.active_30, r.enrolments,
              r.completions, _percent(r.completion_rate), r.certificates] for r in rows],
        )  # fmt: skip
    if name == "videos":
        videos = selectors.video_rows(unit_ids=ids, limit=None)
        points = len(videos[0].curve) if videos else 0
        return (
            _("Videos"),
            [_("Lesson"), _("Course"), _("Viewers"), _("Watched to the end"),
             *[f"{round((i + 0.5) * 100 / points)} %" for i in range(points)]],
            [[v.title, v.course_title, v.viewers, v.completed, *v.curve] for v in videos],
        )  # fmt: skip
    raise Http404


def export(request, table: str):
    tree = Tree()
    form, unit_id, visible = _filters(request, tree)
    if unit_id is None:
        messages.error(request, " ".join(form.non_field_errors()) or _("Please check the filters."))
        return redirect("dashboards:index")
    board = selectors.dashboard(
        tree=tree,
        unit_id=unit_id,
        visible=visible,
        start=form.cleaned_data["start"],
        end=form.cleaned_data["end"],
    )
    title, headings, rows = _table(board, table, tree)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORTED,
        unit=Page.objects.get(pk=unit_id),
        subject=_("Dashboard: %(table)s") % {"table": title},
        detail=f"{board.start:%Y-%m-%d} – {board.end:%Y-%m-%d}",
    )
    response = HttpResponse(
        table_workbook(title=title, headings=headings, rows=rows), content_type=XLSX
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{table}-{unit_id}-{stamp}.xlsx"'
    return response


@require_POST
def refresh(request):
    tree = Tree()
    if not selectors.visible_unit_ids(user=request.user, tree=tree):
        raise PermissionDenied
    refresh_request()
    messages.success(request, _("The figures are being brought up to date."))
    return redirect(safe_next_url(request, reverse("dashboards:index")))


def refresh_status(request):
    if not selectors.visible_unit_ids(user=request.user, tree=Tree()):
        raise PermissionDenied
    state = RefreshState.objects.filter(pk=1).first()
    return JsonResponse(
        {
            "running": bool(state and state.waiting),
            "percent": state.percent if state else 0,
            "finished_at": state.finished_at.isoformat() if state and state.finished_at else None,
        }
    )


def audit_log(request):
    """后台操作日志: who did what, when, in the units the admin manages."""
    if not selectors.visible_unit_ids(user=request.user, tree=Tree()):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(
        user=request.user,
        action=filters.get("action", ""),
        start=filters.get("start"),
        end=filters.get("end"),
    )
    if request.GET.get("export"):
        tz = timezone.get_current_timezone()
        audit_record(actor=request.user, action=AuditAction.EXPORTED, subject=_("Back-office log"))
        body = table_workbook(
            title=_("Back-office log"),
            headings=[_("When"), _("Who"), _("Action"), _("Unit"), _("What"), _("Details")],
            rows=(
                [entry.at.astimezone(tz).replace(tzinfo=None), entry.actor_name,
                 entry.get_action_display(), entry.unit_title, entry.subject, entry.detail]
                for entry in entries.iterator(chunk_size=2000)
            ),
        )  # fmt: skip
        response = HttpResponse(body, content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="back-office-log-{timezone.localdate().isoformat()}.xlsx"'
        )
        return response
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "dashboards/admin/audit_log.html",
        {
            "form": form,
            "page_obj": Paginator(entries, 50).get_page(request.GET.get("p")),
            "query": query.urlencode(),
        },
    )
