"""Clinician pages: note list, new note, edit with autosave, read view, sign, addenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from coding.problems import NOTICE, blocking, warnings
from practice.access import require, require_reader
from review.selectors import with_open_query_count

from . import icd10, services
from .access import can_edit, get_note_for_user, readable_notes
from .canonical import content_hash
from .element_form import ElementForm
from .forms import (
    AddendumForm,
    CodeLineFormSet,
    NoteHeaderForm,
    PatientForm,
    SignForm,
    line_initial,
)
from .models import CodeLine, Note
from .presentation import note_sections


@login_required
def note_list(request):
    require_reader(request)
    notes = readable_notes(request.user)
    # Managers write no notes: their list is the practice's.
    default = "mine" if request.user.has_perm("checklists.add_note") else "all"
    scope = request.GET.get("scope", default)
    if scope != "all":
        notes = notes.filter(clinician=request.user)
    notes = (
        notes.select_related("patient", "clinician")
        # The list shows neither: decoding 50 snapshots was most of its time.
        .defer("answers")
        .prefetch_related(Prefetch("lines", queryset=CodeLine.objects.only("note_id", "code")))
        .annotate(
            draft_first=Case(
                When(status=Note.Status.DRAFT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("draft_first", "-date_of_service", "-pk")
    )
    notes = with_open_query_count(notes)
    page = Paginator(notes, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "checklists/note_list.html",
        {"page": page, "scope": scope, "today": timezone.localdate()},
    )


@login_required
def note_new(request):
    require(request.user, "checklists.add_note", "Your role does not create notes.")
    if request.method == "POST":
        header = NoteHeaderForm(request.POST, prefix="header", user=request.user)
        lines = CodeLineFormSet(request.POST, prefix="lines")
        if header.is_valid() and lines.is_valid():
            note = services.create_note(
                clinician=request.user,
                patient=header.cleaned_data["patient"],
                date_of_service=header.cleaned_data["date_of_service"],
                place_of_service=header.cleaned_data["place_of_service"],
                lines=lines.lines(),
                request=request,
            )
            messages.success(request, "Note started. Fill it in; it saves as you type.")
            return redirect("checklists:note-edit", note.pk)
    else:
        header = NoteHeaderForm(
            prefix="header", initial={"patient": request.GET.get("patient")}, user=request.user
        )
        lines = CodeLineFormSet(prefix="lines", initial=[{"units": 1}] * 3)
    return render(request, "checklists/note_new.html", {"header": header, "lines": lines})


def _edit_forms(note, data=None):
    header_initial = {
        "patient": note.patient_id,
        "date_of_service": note.date_of_service,
        "place_of_service": note.place_of_service,
    }
    initial_lines = line_initial(note)
    return (
        NoteHeaderForm(data, prefix="header", initial=header_initial),
        CodeLineFormSet(data, prefix="lines", initial=initial_lines + [{"units": 1}]),
        ElementForm(data, note=note),
    )


def _panel(note, lines=None):
    result = services.completeness(note)
    problems = services.coding_problems(note, lines)
    return result, problems


def posted_version(request) -> int | None:
    """The note version the form was opened at, None when the body carries none."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _save_from_post(request, note):
    """Bind, save what is valid, and return (saved note, forms, whether any field failed)."""
    header, lines, elements = _edit_forms(note, request.POST)
    version = posted_version(request)
    if version is None:
        version = -1
    header_values = None
    if header.is_valid():
        header_values = {
            "date_of_service": header.cleaned_data["date_of_service"],
            "place_of_service": header.cleaned_data["place_of_service"],
        }
    new_lines = lines.lines() if lines.is_valid() else None
    if header_values:
        elements.date_of_service = header_values["date_of_service"]
    # Always validate the elements: it fills the cleaned_data that answers() reads below.
    elements_valid = elements.is_valid()
    has_errors = not (header.is_valid() and lines.is_valid() and elements_valid)
    saved = services.save_note(
        note,
        version=version,
        answers=elements.answers(previous=note.answers),
        lines=new_lines,
        header=header_values,
        actor=request.user,
        request=request,
    )
    return saved, (header, lines, elements), has_errors


@login_required
def note_edit(request, pk):
    note = get_note_for_user(request, pk, edit=True)
    if note.is_signed:
        messages.warning(
            request, "This note is signed and cannot change. Add an addendum instead."
        )
        return redirect(note)
    status = 200
    conflict = None
    if request.method == "POST":
        try:
            note, forms, has_errors = _save_from_post(request, note)
        except services.StaleVersion as stale:
            conflict = stale.current
            forms = _edit_forms(note, request.POST)
            for form in forms:
                form.is_valid()
            status = 409
        except services.NoteLocked:
            messages.warning(request, "This note was signed meanwhile; nothing was saved.")
            return redirect(note)
        else:
            if not has_errors:
                messages.success(request, f"Draft saved at {timezone.localtime():%H:%M}.")
                if "sign" in request.POST:
                    return redirect("checklists:note-sign", note.pk)
                return redirect("checklists:note-edit", note.pk)
            messages.error(
                request,
                "Saved everything else; the fields marked in red were not saved. "
                "Correct them and save again.",
            )
    else:
        forms = _edit_forms(note)
    header, lines, elements = forms
    result, problems = _panel(note)
    return render(
        request,
        "checklists/note_edit.html",
        {
            "note": note,
            "header": header,
            "lines": lines,
            "form": elements,
            "result": result,
            "problems": problems,
            "conflict": conflict,
            "form_version": note.version,
        },
        status=status,
    )


def _json_login_required(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return JsonResponse(
                {
                    "error": "session_expired",
                    "message": "Your session has ended. Sign in again in another tab; "
                    "your input is kept on this page.",
                },
                status=401,
            )
        return view(request, *args, **kwargs)

    return wrapped


def panel_json(note, result, problems, errors=None):
    return {
        "version": note.version,
        "saved_at": timezone.localtime(note.updated_at).strftime("%H:%M:%S"),
        "percent": result.percent,
        "required_total": result.required_total,
        "required_done": result.required_done,
        "recommended_total": result.recommended_total,
        "recommended_done": result.recommended_done,
        "missing": [
            {"key": g.key, "label": g.label, "requirement": g.requirement} for g in result.missing
        ],
        "problems": [
            {"message": p.message, "fix": p.fix, "severity": p.severity} for p in problems
        ],
        "can_sign": result.is_complete and not blocking(problems),
        "errors": errors or {},
    }


@require_POST
@_json_login_required
def note_autosave(request, pk):
    note = get_note_for_user(request, pk, edit=True)
    if note.is_signed:
        return JsonResponse(
            {"error": "signed", "message": "This note is signed; nothing was saved."}, status=403
        )
    if posted_version(request) is None:
        # Not a form this page sent (a JSON body, a truncated post): say so, not "conflict".
        return JsonResponse(
            {
                "error": "bad_request",
                "message": "The autosave did not carry the note's form; nothing was saved. "
                "Reload the page.",
            },
            status=400,
        )
    try:
        note, forms, _ = _save_from_post(request, note)
    except services.StaleVersion as stale:
        return JsonResponse(
            {
                "error": "conflict",
                "message": (
                    "This note was changed in another tab or by another user "
                    f"(version {stale.current.version}). Your input is still here and was "
                    "not saved: copy what you need, then reload."
                ),
            },
            status=409,
        )
    except services.NoteLocked:
        return JsonResponse(
            {"error": "signed", "message": "This note was signed meanwhile."}, status=403
        )
    errors = {}
    for form in forms[:1] + (forms[2],):
        for name, field_errors in form.errors.items():
            errors[form.add_prefix(name) if form.prefix else name] = list(field_errors)
    for form in forms[1].forms:
        for name, field_errors in form.errors.items():
            errors[form.add_prefix(name)] = list(field_errors)
    for error in forms[1].non_form_errors():
        errors["lines"] = [*errors.get("lines", []), error]
    result, problems = _panel(note)
    return JsonResponse(panel_json(note, result, problems, errors))


@login_required
def note_detail(request, pk):
    note = get_note_for_user(request, pk)
    result, problems = _panel(note)
    hash_ok = content_hash(note) == note.content_hash if note.is_signed else None
    AuditEvent.objects.record("note.view", actor=request.user, note=note, request=request)
    return render(
        request,
        "checklists/note_detail.html",
        {
            "note": note,
            "result": result,
            "problems": problems,
            "can_edit": can_edit(request.user, note),
            "hash_ok": hash_ok,
            "addenda": note.addenda.select_related("author"),
            "history": note.audit_events.select_related("actor")[:50],
            # A signed note shows what was documented; a draft also shows its gaps.
            "sections": note_sections(note, include_undocumented=not note.is_signed),
        },
    )


@sensitive_post_parameters("password")
@login_required
def note_sign(request, pk):
    note = get_note_for_user(request, pk, edit=True)
    require(request.user, "checklists.sign_note", "Your role does not sign notes.")
    if note.is_signed:
        messages.info(request, "This note is already signed.")
        return redirect(note)
    reasons = services.signing_problems(note, request.user)
    problems = services.coding_problems(note)
    form = SignForm(
        request.POST or None,
        user=request.user,
        request=request,
        warnings=warnings(problems),
        initial={"version": note.version},
    )
    if request.method == "POST" and not reasons and form.is_valid():
        try:
            services.sign_note(
                note,
                user=request.user,
                version=form.cleaned_data["version"],
                warning_reasons=form.warning_reasons(),
                request=request,
            )
        except services.StaleVersion:
            messages.error(
                request, "The note changed since you opened this page. Review it and sign again."
            )
            return redirect("checklists:note-sign", note.pk)
        except services.SigningRefused as refused:
            reasons = refused.reasons
        else:
            messages.success(
                request, "Note signed. It can no longer change; add an addendum for corrections."
            )
            return redirect(note)
    result = services.completeness(note)
    return render(
        request,
        "checklists/note_sign.html",
        {
            "note": note,
            "form": form,
            "reasons": reasons,
            "result": result,
            "notices": [p for p in problems if p.severity == NOTICE],
            "attestation": services.ATTESTATION,
            "sections": note_sections(note),
        },
        status=422 if request.method == "POST" and reasons else 200,
    )


@login_required
def addendum_new(request, pk):
    note = get_note_for_user(request, pk, edit=True)
    require(request.user, "checklists.add_addendum", "Your role does not add addenda.")
    if not note.is_signed:
        messages.info(request, "This note is a draft: edit it directly.")
        return redirect("checklists:note-edit", note.pk)
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.add_addendum(
            note,
            author=request.user,
            reason=form.cleaned_data["reason"],
            text=form.cleaned_data["text"],
            request=request,
        )
        messages.success(request, "Addendum added.")
        return redirect(note)
    return render(request, "checklists/addendum_new.html", {"note": note, "form": form})


@login_required
def patient_new(request):
    require(request.user, "practice.add_patient", "Your role does not add patients.")
    form = PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient = form.save()
        messages.success(request, f"Patient {patient.full_name} added.")
        return redirect(reverse("checklists:note-new") + f"?patient={patient.pk}")
    return render(request, "checklists/patient_form.html", {"form": form})


@login_required
def icd10_search(request):
    """Billable ICD-10-CM codes for the diagnosis picker: ?q= a code prefix or words."""
    query = request.GET.get("q", "")[:100]
    matches = icd10.search(query) if len(query.strip()) >= 2 else []
    return JsonResponse({"code_set": icd10.code_set(), "results": [m.as_dict() for m in matches]})
