"""Clinician pages: note list, new note, edit with autosave, read view, sign, addenda."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from coding.problems import ERROR, NOTICE, CodingProblem, blocking, warnings
from practice.access import require, require_reader
from practice.models import Practice
from review.selectors import with_open_query_count

from . import copy_sources, favourites, icd10, services
from .access import can_edit, get_note_for_user, readable_notes
from .canonical import content_hash
from .code_picker import active_codes, picker_entries
from .completeness import assess
from .copy_forward import SECTION_LABELS, unconfirmed_by_section
from .element_form import NA_SUFFIX, ElementForm
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


def _default_place_of_service():
    return Practice.current().default_place_of_service or None


@login_required
def note_new(request):
    require(request.user, "checklists.add_note", "Your role does not create notes.")
    codes = active_codes()  # one query for the line choices and the picker
    if request.method == "POST":
        data = copy_sources.with_repeat_patient(
            request.user,
            request.POST,
            today=timezone.localdate(),
            place_of_service=_default_place_of_service(),
        )
        header = NoteHeaderForm(data, prefix="header", user=request.user)
        lines = CodeLineFormSet(data, prefix="lines", codes=codes)
        source = None
        if "repeat_note" in data and not data["header-patient"]:
            header.add_error(None, "That note is not one of your signed notes.")
            lines_valid = False
        elif "from_note" in data or "from_favourite" in data:
            source = copy_sources.source_from_post(request.user, data, header)
            lines_valid = source is not None
        else:
            lines_valid = lines.is_valid()
        if header.is_valid() and lines_valid:
            start = source or copy_sources.Start(lines=lines.lines())
            note = services.create_note(
                clinician=request.user,
                patient=header.cleaned_data["patient"],
                date_of_service=header.cleaned_data["date_of_service"],
                place_of_service=header.cleaned_data["place_of_service"],
                lines=start.lines,
                answers=start.answers,
                copied=start.copied,
                from_history=True,
                request=request,
                **start.audit,
            )
            if start.copied:
                messages.success(
                    request,
                    "Note started. Values marked “copied” came from earlier notes, a favourite "
                    "or the patient's history: check them, then confirm them before signing.",
                )
            else:
                messages.success(request, "Note started. Fill it in; it saves as you type.")
            return redirect("checklists:note-edit", note.pk)
    else:
        header = NoteHeaderForm(
            prefix="header",
            initial={
                "patient": request.GET.get("patient"),
                "place_of_service": _default_place_of_service(),
            },
            user=request.user,
        )
        lines = CodeLineFormSet(prefix="lines", initial=[{"units": 1}], codes=codes)
    patient_id = header["patient"].value()
    return render(
        request,
        "checklists/note_new.html",
        {
            "header": header,
            "lines": lines,
            "picker": json.dumps(picker_entries(codes)),
            "favourites": request.user.favourites.all(),
            "repeats": copy_sources.recent_repeats(request.user),
            "sources": copy_sources.last_notes(request.user, patient_id),
        },
    )


@login_required
def copy_source_list(request):
    """The patient's last notes to start from: a fragment the new-note page inserts."""
    require(request.user, "checklists.add_note", "Your role does not create notes.")
    return render(
        request,
        "checklists/partials/copy_sources.html",
        {"sources": copy_sources.last_notes(request.user, request.GET.get("patient"))},
    )


@require_POST
@login_required
def favourite_new(request, pk):
    note = get_note_for_user(request, pk, edit=True)
    name = favourites.clean_name(request.POST.get("name", ""))
    if not name:
        messages.error(request, favourites.name_problem(request.user, name))
        return redirect("checklists:note-edit", note.pk)
    favourite = copy_sources.save_favourite(note, name=name, clinician=request.user)
    AuditEvent.objects.record(
        "favourite.save",
        actor=request.user,
        note=note,
        request=request,
        object_type="favourite",
        object_id=str(favourite.pk),
        name=name,
    )
    messages.success(request, f"Saved as your favourite “{name}”.")
    return redirect("checklists:note-edit", note.pk)


def _edit_forms(note, data=None, *, codes=None):
    header_initial = {
        "patient": note.patient_id,
        "date_of_service": note.date_of_service,
        "place_of_service": note.place_of_service,
    }
    initial_lines = line_initial(note)
    return (
        NoteHeaderForm(data, prefix="header", initial=header_initial),
        CodeLineFormSet(data, prefix="lines", initial=initial_lines + [{"units": 1}], codes=codes),
        ElementForm(data, note=note),
    )


def _field_errors(forms) -> dict:
    header, lines, elements = forms
    errors = {}
    for form in (header, elements):
        for name, field_errors in form.errors.items():
            errors[form.add_prefix(name) if form.prefix else name] = list(field_errors)
    for form in lines.forms:
        for name, field_errors in form.errors.items():
            errors[form.add_prefix(name)] = list(field_errors)
    for error in lines.non_form_errors():
        errors["lines"] = [*errors.get("lines", []), error]
    return errors


# What the coding checks say while a code line holds input that could not be saved.
LINES_NOT_SAVED = CodingProblem(
    "The coding checks wait for the code lines: a line holds input that was not saved.",
    "Correct the line fields marked in red; the checks run again as soon as they are saved.",
    None,
    "lines",
    ERROR,
    "lines-not-saved",
)


def _panel_context(note, elements=None, lines=None):
    """The panel's context. Fields whose input was invalid count as not documented, so
    the panel never shows a stored value the page no longer displays; code lines that
    could not be saved pause the coding checks instead of showing the saved lines'."""
    invalid = set()
    not_saved = []
    lines_invalid = lines is not None and lines.is_bound and not lines.is_valid()
    if lines_invalid:
        not_saved.append(("lines", "Code lines"))
    if elements is not None and elements.is_bound:
        labels = {e["key"]: e["label"] for e in elements.elements}
        for name in elements.errors:
            key = name.removesuffix(NA_SUFFIX)
            if key in labels and key not in invalid:
                invalid.add(key)
                not_saved.append((key, labels[key]))
    answers = {k: v for k, v in (note.answers or {}).items() if k not in invalid}
    result = assess(note.definitions.get("elements", []), answers)
    problems = (
        [LINES_NOT_SAVED] if lines_invalid else services.claim_problems(note, answers=answers)
    )
    unconfirmed = unconfirmed_by_section(note.copied or {}, note.definitions.get("elements", []))
    return {
        "note": note,
        "result": result,
        "problems": problems,
        "not_saved": not_saved,
        "unconfirmed": unconfirmed,
        "can_sign": result.is_complete
        and not blocking(problems)
        and not unconfirmed
        and not not_saved,
    }


def posted_version(request) -> int | None:
    """The note version the form was opened at, None when the body carries none."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _confirmed_sections(request) -> list[str]:
    """The sections whose copied values the clinician confirmed ("all": every section)."""
    posted = request.POST.getlist("confirm")
    if "all" in posted:
        return list(SECTION_LABELS)
    return [section for section in posted if section in SECTION_LABELS]


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
        confirm=_confirmed_sections(request),
        actor=request.user,
        request=request,
    )
    return saved, (header, lines, elements), has_errors


@login_required
def note_edit(request, pk):
    note = get_note_for_user(request, pk, edit=True, open_query_count=True)
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
                confirmed = request.POST.get("confirm")
                if confirmed in SECTION_LABELS or confirmed == "all":
                    messages.success(request, "Copied values confirmed.")
                    edit_url = reverse("checklists:note-edit", args=[note.pk])
                    anchor = f"#sec-{confirmed}" if confirmed in SECTION_LABELS else ""
                    return redirect(f"{edit_url}{anchor}")
                messages.success(request, f"Draft saved at {timezone.localtime():%H:%M}.")
                if "sign" in request.POST:
                    return redirect("checklists:note-sign", note.pk)
                return redirect("checklists:note-edit", note.pk)
            messages.error(
                request,
                "Saved everything else; the fields marked in red were not saved. "
                "Correct them and save again.",
            )
    codes = active_codes()
    if request.method != "POST":
        forms = _edit_forms(note, codes=codes)
    header, lines, elements = forms
    # A rebound form after a code change would ask the old codes' elements: draw the saved.
    if status == 200 and elements.elements != note.definitions.get("elements"):
        elements = ElementForm(note=note)
    return render(
        request,
        "checklists/note_edit.html",
        {
            "note": note,
            "header": header,
            "lines": lines,
            "form": elements,
            "picker": json.dumps(picker_entries(codes)),
            "conflict": conflict,
            "form_version": note.version,
            "attestation": services.ATTESTATION,
            **_panel_context(note, elements, lines),
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


@require_POST
@_json_login_required
def note_autosave(request, pk):
    """Saves the draft and answers with the panel (and, when the codes changed, the
    checklist) rendered by the same templates as the page: the script only inserts them."""
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
    before = (note.definitions.get("elements"), (note.answers or {}).get("technique"))
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
    panel = _panel_context(note, forms[2], forms[1])
    data = {
        "version": note.version,
        "saved_at": timezone.localtime(note.updated_at).strftime("%H:%M:%S"),
        "errors": _field_errors(forms),
        "can_sign": panel["can_sign"],
        "panel_html": render_to_string("checklists/partials/panel.html", panel, request),
    }
    after = (note.definitions.get("elements"), (note.answers or {}).get("technique"))
    if after != before:
        # The codes (or the technique the lines share) changed: the checklist is rebuilt.
        data["sections_html"] = render_to_string(
            "checklists/partials/sections.html", {"form": ElementForm(note=note)}, request
        )
    return JsonResponse(data)


@login_required
def note_detail(request, pk):
    # With its number of open queries, so the queries box reads them only when there are.
    note = get_note_for_user(request, pk, open_query_count=True)
    result = services.assess_completeness(note)
    hash_ok = content_hash(note) == note.content_hash if note.is_signed else None
    history = list(note.audit_events.select_related("actor")[:50])
    AuditEvent.objects.record("note.view", actor=request.user, note=note, request=request)
    return render(
        request,
        "checklists/note_detail.html",
        {
            "note": note,
            "result": result,
            "can_edit": can_edit(request.user, note),
            "hash_ok": hash_ok,
            "addenda": note.addenda_with_authors(),
            "history": history,
            "labels": {e["key"]: e["label"] for e in note.definitions.get("elements", [])},
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
    problems = services.claim_problems(note)
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
    result = services.assess_completeness(note)
    return render(
        request,
        "checklists/note_sign.html",
        {
            "note": note,
            "form": form,
            "reasons": reasons,
            "other_reasons": services.other_signing_problems(note, request.user),
            "result": result,
            "unconfirmed": unconfirmed_by_section(
                note.copied or {}, note.definitions.get("elements", [])
            ),
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
