"""Patient history with the next planned procedure, coverage, payers, packs, the packet."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from audit.models import AuditEvent
from checklists.access import get_note_for_user, readable_notes
from checklists.models import CodeLine
from practice.access import require_reader
from practice.models import Patient
from practice.roles import is_manager

from . import selectors, services
from .forms import CoverageForm, PayerForm, PlanForm
from .models import Payer
from .packet import build_packet


def can_set_coverage(user) -> bool:
    return user.has_perm("practice.add_patient") or is_manager(user)


def can_build_packet(user, note) -> bool:
    """Managers for any signed note; the performing clinician for their own."""
    return note.is_signed and (is_manager(user) or note.clinician_id == user.pk)


def _require_manager(request):
    if not (is_manager(request.user) or request.user.is_superuser):
        raise PermissionDenied("Only practice managers manage payers.")


@login_required
def patient_history(request, pk):
    require_reader(request)
    patient = get_object_or_404(Patient.objects.readable_by(request.user), pk=pk)
    notes = (
        readable_notes(request.user)
        .filter(patient=patient)
        .select_related("clinician", "rule_status")
        .prefetch_related(
            Prefetch("lines", queryset=CodeLine.objects.order_by("position")), "snapshot"
        )
        .order_by("-date_of_service", "-pk")
    )
    packs = selectors.active_packs()
    rows = selectors.timeline(notes, selectors.region_labels(packs))
    today = timezone.localdate()

    form = PlanForm(request.GET if "code" in request.GET else None)
    plan, planned_from = None, None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        plan = selectors.plan(
            patient.pk, code=data["code"], side=data["side"], site=data["site"], day=data["day"]
        )
    else:
        draft = next(
            (row.note for row in rows if not row.note.is_signed and row.family == "neurolytic"),
            None,
        )
        if draft is not None:
            plan, planned_from = selectors.plan_from_note(draft), draft
    coverage = selectors.coverage_of(patient)
    return render(
        request,
        "rules/patient_history.html",
        {
            "patient": patient,
            "coverage": coverage,
            "rows": rows,
            "sessions": selectors.sessions_by_region(rows, today),
            "form": form,
            "plan": plan,
            "planned_from": planned_from,
            "can_set_coverage": can_set_coverage(request.user),
            "today": today,
        },
    )


@login_required
def patient_coverage(request, pk):
    if not can_set_coverage(request.user):
        raise PermissionDenied("Your role does not assign payers.")
    patient = get_object_or_404(Patient.objects.readable_by(request.user), pk=pk)
    coverage = selectors.coverage_of(patient)
    initial = (
        {"primary_payer": coverage.primary_payer_id, "member_id": coverage.member_id}
        if coverage
        else {}
    )
    form = CoverageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_coverage(
            patient,
            payer=form.cleaned_data["primary_payer"],
            member_id=form.cleaned_data["member_id"],
            actor=request.user,
            request=request,
        )
        messages.success(
            request,
            f"Primary payer set to {form.cleaned_data['primary_payer']}; the patient's signed "
            "notes were checked against its rules.",
        )
        return redirect("rules:patient-history", patient.pk)
    return render(
        request,
        "rules/patient_coverage.html",
        {"patient": patient, "form": form, "has_payers": Payer.objects.exists()},
    )


@login_required
def payer_list(request):
    _require_manager(request)
    payers = Payer.objects.prefetch_related("packs").order_by("name")
    packs = selectors.active_packs()
    rows = [
        (payer, [p for p in packs if payer.kind in p.payer_kinds or p in payer.packs.all()])
        for payer in payers
    ]
    return render(request, "rules/payer_list.html", {"rows": rows})


@login_required
def payer_edit(request, pk=None):
    _require_manager(request)
    payer = get_object_or_404(Payer, pk=pk) if pk else None
    form = PayerForm(request.POST or None, instance=payer)
    if request.method == "POST" and form.is_valid():
        saved = services.save_payer(form, actor=request.user, request=request)
        messages.success(request, f"Payer {saved.name} saved.")
        return redirect("rules:payer-list")
    return render(request, "rules/payer_form.html", {"form": form, "payer": payer})


@login_required
def pack_list(request):
    require_reader(request)
    packs = [
        (
            pack,
            [(rule, pack.document["sources"][rule["source"]]) for rule in pack.document["rules"]],
        )
        for pack in selectors.active_packs()
    ]
    return render(request, "rules/pack_list.html", {"packs": packs})


@require_safe
@login_required
def note_packet(request, pk):
    note = get_note_for_user(request, pk)
    if not note.is_signed:
        messages.info(request, "A prior-authorization packet is built from a signed note.")
        return redirect(note)
    if not can_build_packet(request.user, note):
        raise PermissionDenied("Only a practice manager or the performing clinician builds it.")
    packet = build_packet(note)
    AuditEvent.objects.record(
        "note.packet",
        actor=request.user,
        note=note,
        request=request,
        notes=list(packet.note_ids),
        claim_state=packet.state,
        sha256=hashlib.sha256(packet.pdf).hexdigest(),
    )
    response = HttpResponse(packet.pdf, content_type="application/pdf")
    # Ids only in the file name: no patient name in a saved file's name.
    response["Content-Disposition"] = f'inline; filename="packet-note-{note.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
