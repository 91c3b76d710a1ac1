"""The practice manager's dashboard, its CSV export and the possibly-cloned report."""

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit.models import AuditEvent
from checklists.models import Note

from . import csv_export, dashboard_markup, selectors, tallied
from .access import manager_required
from .charts import days_histogram
from .filters import NoteFilter, clinician_choices, code_choices

PAGE_SIZE = 50
# "Most often missing" shows this many; ?missing_all=1 shows every element (87 on an
# unfiltered practice), so a plain visit renders a bounded table whatever the catalog.
MISSING_TOP = 12


class KnownCountPaginator(Paginator):
    """A paginator told the count (the summary query has it) instead of running COUNT(*)."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


def _filterset(request, **kwargs):
    return NoteFilter(request.GET or None, queryset=Note.objects.all(), **kwargs)


def _querystring(request, **changes) -> str:
    query = request.GET.copy()
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return query.urlencode()


def dashboard_data(request, *, use_tallies=True) -> dict:
    """Everything the dashboard shows: six queries, whatever the number of notes.

    Clinician and code choices (2), per clinician with the summary (1), per code (1),
    missing elements (1), and the page of notes (1, run when the page is read). The three
    figures come from the tallies when the filters allow (review.tallied), else from the
    notes (review.selectors); `use_tallies=False` forces the latter, to compare them.
    """
    clinicians = clinician_choices()
    codes = code_choices()
    filterset = _filterset(request, clinicians=clinicians, codes=codes)
    notes = filterset.qs
    names = dict(clinicians)
    titles = {code: label.partition(" ")[2] for code, label in codes}
    active = filterset.active()
    scope = tallied.Scope.of(active, filterset.cleaned()) if use_tallies else None
    if scope:
        total, per_clinician = tallied.by_clinician(
            scope, notes, today=timezone.localdate(), older_days=filterset.older_days, names=names
        )
        per_code = tallied.by_code(scope, titles)
        missing = tallied.missing_elements(scope, of=total.notes)
    else:
        total, per_clinician = selectors.by_clinician(
            notes, today=timezone.localdate(), older_days=filterset.older_days, names=names
        )
        per_code = selectors.by_code(notes, titles)
        missing = selectors.missing_elements(notes, of=total.notes)
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    if sort not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    paginator = KnownCountPaginator(
        selectors.note_rows(notes, sort=sort), PAGE_SIZE, count=total.notes
    )
    page = paginator.get_page(request.GET.get("page"))
    missing_label = ""
    if "missing" in active:
        missing_label = next(
            (m.label for m in missing if m.element_key == active["missing"]), active["missing"]
        )
    all_missing = request.GET.get("missing_all") == "1"
    return {
        "filter": filterset,
        "total": total,
        "per_clinician": per_clinician,
        "per_code": per_code,
        "missing": missing,
        "missing_shown": missing if all_missing else missing[:MISSING_TOP],
        "missing_all": all_missing,
        "missing_top": MISSING_TOP,
        "page": page,
        "sort": sort,
        "active": active,
        "missing_label": missing_label,
        "selected_code": active.get("code", ""),
        "code_titles": titles,
        "histogram": days_histogram(total.days_to_sign),
        "today": timezone.localdate(),
        "querystring": _querystring(request, page=None),
        "filter_querystring": _querystring(request, page=None, sort=None),
    }


@manager_required
def dashboard(request):
    data = dashboard_data(request)
    data["html"] = dashboard_markup.sections(data, request)
    return render(request, "review/dashboard.html", data)


@manager_required
def notes_csv(request):
    filterset = _filterset(request)
    notes = filterset.qs
    AuditEvent.objects.record(
        "export.csv", actor=request.user, request=request, filters=filterset.active()
    )
    response = StreamingHttpResponse(
        csv_export.stream(notes), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="notes-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@manager_required
def cloned(request):
    clinicians = clinician_choices()
    filterset = _filterset(request, clinicians=clinicians)
    names = dict(clinicians)
    groups: dict[int, list] = {}
    for item in selectors.possibly_cloned(filterset.qs):
        groups.setdefault(item.clinician_id, []).append(item)
    by_clinician = [
        (names.get(str(pk), f"User {pk}"), items)
        for pk, items in sorted(groups.items(), key=lambda kv: names.get(str(kv[0]), ""))
    ]
    return render(
        request,
        "review/cloned.html",
        {
            "filter": filterset,
            "by_clinician": by_clinician,
            "active": filterset.active(),
            "filter_querystring": _querystring(request, page=None, sort=None),
        },
    )
