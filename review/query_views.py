"""Documentation queries: a manager opens one on a note, sees them all, withdraws one."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from checklists.models import Note

from . import queries
from .access import manager_required
from .models import DocumentationQuery


class QueryForm(forms.Form):
    message = forms.CharField(
        label="Question for the clinician",
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "placeholder": "Please document the contrast used and the post-procedure "
                "pain score.",
            }
        ),
        max_length=2000,
    )
    elements = forms.MultipleChoiceField(
        label="Elements concerned",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text="On a draft the query closes when these are documented; on a signed note, "
        "when the clinician adds an addendum.",
    )

    def __init__(self, *args, note, **kwargs):
        super().__init__(*args, **kwargs)
        self.askable = queries.askable_elements(note)
        self.fields["elements"].choices = [
            (e["key"], f"{e['label']} ({e['requirement']})") for e in self.askable
        ]


def _next(request) -> str:
    """Back where the manager came from, if that is on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "review:query-list"


@manager_required
def query_new(request, pk):
    note = get_object_or_404(Note.objects.select_related("patient", "clinician"), pk=pk)
    form = QueryForm(request.POST or None, note=note)
    if request.method == "POST" and form.is_valid():
        queries.open_query(
            note=note,
            manager=request.user,
            message=form.cleaned_data["message"],
            element_keys=form.cleaned_data["elements"],
            request=request,
        )
        messages.success(
            request, f"Query sent to {note.clinician.get_full_name() or note.clinician}."
        )
        return redirect(_next(request))
    return render(
        request,
        "review/query_new.html",
        {
            "note": note,
            "form": form,
            "open_queries": note.documentation_queries.open().select_related("opened_by"),
            "next": request.GET.get("next", ""),
        },
    )


@manager_required
def query_list(request):
    state = request.GET.get("state", "open")
    if state not in ("open", "closed", "all"):
        state = "open"
    items = DocumentationQuery.objects.select_related(
        "note__patient", "note__clinician", "opened_by", "closed_by"
    )
    if state != "all":
        items = items.filter(status=state)
    items = items.order_by("opened_at", "pk") if state == "open" else items
    counts = {
        row["status"]: row["n"]
        for row in DocumentationQuery.objects.order_by().values("status").annotate(n=Count("pk"))
    }
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "review/query_list.html",
        {"page": page, "state": state, "counts": counts, "now": timezone.now()},
    )


@require_POST
@manager_required
def query_close(request, pk):
    query = get_object_or_404(DocumentationQuery, pk=pk)
    queries.withdraw_query(
        query, manager=request.user, note=request.POST.get("reason", ""), request=request
    )
    messages.info(request, "Query withdrawn.")
    return redirect(_next(request))
