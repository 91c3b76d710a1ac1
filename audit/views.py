"""The audit trail for managers: filter by note, user, action and date."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from .models import AuditEvent


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@login_required
def event_list(request):
    if not request.user.has_perm("audit.view_auditevent"):
        raise PermissionDenied("Only managers read the audit trail.")
    events = AuditEvent.objects.select_related("actor").order_by("-pk")
    filters = {
        "note": request.GET.get("note", "").strip(),
        "user": request.GET.get("user", "").strip()[:150],
        "action": request.GET.get("action", "").strip()[:40],
        "since": _date(request.GET.get("since")),
        "until": _date(request.GET.get("until")),
    }
    errors = {}
    if filters["note"]:
        if filters["note"].isdigit():
            events = events.filter(note_id=int(filters["note"]))
        else:
            errors["note"] = "A note number is digits only."
    if filters["user"]:
        events = events.filter(username__iexact=filters["user"])
    if filters["action"]:
        events = events.filter(action__startswith=filters["action"])
    if filters["since"]:
        events = events.filter(at__date__gte=filters["since"])
    if filters["until"]:
        events = events.filter(at__date__lte=filters["until"])
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "page": page,
            "filters": filters,
            "errors": errors,
            "actions": sorted(set(actions)),
            "query": query.urlencode(),
            # The trail names elements by key (the catalog is an app above this one);
            # a note's own history shows their labels.
            "labels": {},
        },
    )
