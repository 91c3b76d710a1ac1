"""The scrubber where clinicians and managers meet it: the panel, signing with a reason,
the PDF, the dashboard, notes of the same day, and the catalog that carries its rules."""

import datetime
import io

from django.urls import reverse
from pypdf import PdfReader

from checklists import services
from checklists.models import CatalogSnapshot, Note
from checklists.pdf.render import render_note_pdf
from tests.conftest import PASSWORD
from tests.notes import DOS, make_note, sign

CRYO_64640 = [
    {
        "code": "64640",
        "units": 1,
        "modifiers": ["LT"],
        "side": "left",
        "site": "suprascapular nerve",
    }
]
WARNING = "64640 does not cover cryoneurolysis."
REASON = "Commercial plan: its policy accepts cryoneurolysis as 64640."


def cryo_note(clinician, patient):
    return make_note(
        clinician,
        patient,
        "64640",
        lines=CRYO_64640,
        complete=True,
        answers={"technique": {"value": "cryo"}},
    )


def test_the_panel_says_what_each_problem_does_to_signing(clinician_client, clinician, patient):
    note = cryo_note(clinician, patient)
    page = clinician_client.get(f"/notes/{note.pk}/edit/").text
    assert "Sign with a reason</span>" in page
    assert f"<strong>{WARNING}</strong>" in page
    assert note.coding_problems == 0  # a warning is not a blocking problem


def test_a_warning_is_signed_only_with_a_reason(clinician_client, clinician, patient):
    note = cryo_note(clinician, patient)
    page = clinician_client.get(f"/notes/{note.pk}/sign/").text
    assert f"Why sign despite: {WARNING}" in page
    assert "This note cannot be signed yet" not in page

    refused = clinician_client.post(
        f"/notes/{note.pk}/sign/", {"password": PASSWORD, "version": note.version}
    )
    assert refused.status_code == 200
    assert "Give a one-line reason, or correct the note." in refused.text
    assert Note.objects.get(pk=note.pk).status == "draft"

    field = next(name for name in refused.context["form"].fields if name.startswith("reason_"))
    signed = clinician_client.post(
        f"/notes/{note.pk}/sign/",
        {"password": PASSWORD, "version": note.version, field: f"  {REASON}  "},
    )
    assert signed.status_code == 302
    note = Note.objects.get(pk=note.pk)
    assert note.status == "signed"
    assert note.coding_warnings_signed == 1
    assert note.coding_overrides == [
        {
            "message": WARNING,
            "fix": "Medicare reports cryoneurolysis with 0440T-0442T, not with these codes; "
            "other payers vary (UNCONFIRMED): check the payer's policy.",
            "rule": "technique",
            "reason": REASON,
        }
    ]
    event = note.audit_events.get(action="note.sign")
    assert event.detail["coding_warnings_signed"] == [[WARNING, REASON]]
    detail = clinician_client.get(f"/notes/{note.pk}/").text
    assert f"{WARNING} <em>Reason: {REASON}</em>" in detail


def test_the_reason_prints_on_the_pdf(clinician, patient, practice):
    note = cryo_note(clinician, patient)
    problem_key = services.claim_problems(note)[0].key
    services.sign_note(
        note, user=clinician, version=note.version, warning_reasons={problem_key: REASON}
    )
    pdf = render_note_pdf(Note.objects.get(pk=note.pk))
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert f"Coding warning signed with a reason {WARNING} Reason: {REASON}" in text


def test_the_dashboard_shows_notes_signed_despite_a_warning(manager_client, clinician, patient):
    note = cryo_note(clinician, patient)
    key = services.claim_problems(note)[0].key
    services.sign_note(note, user=clinician, version=note.version, warning_reasons={key: REASON})
    page = manager_client.get(reverse("review:dashboard")).text
    assert ">1 coding warning</span>" in page


def test_a_signed_note_of_the_same_day_counts_toward_the_units(
    clinician_client, clinician, patient
):
    first = sign(make_note(clinician, patient, complete=True), clinician)
    second = make_note(clinician, patient, complete=True)
    expected = (
        f"64681 is billed 2 units on 2 lines (line 1, note {first.pk}) this date of service; "
        "it allows 1."
    )
    assert expected in clinician_client.get(f"/notes/{second.pk}/edit/").text
    assert second.coding_problems == 1
    # A draft of the same day is not a claim yet: it does not block the other note.
    third_patient_day = make_note(clinician, patient, complete=True, day=DOS.replace(day=3))
    make_note(clinician, patient, complete=True, day=DOS.replace(day=3))
    assert Note.objects.get(pk=third_patient_day.pk).coding_problems == 0


def test_a_note_filled_before_claim_rules_is_checked_with_the_catalogs(clinician, patient):
    note = make_note(clinician, patient, "64640", lines=[dict(CRYO_64640[0], units=9)])
    old = {k: v for k, v in note.definitions.items() if k not in ("claim_rules", "cpt_year")}
    old["codes"] = {
        c: {k: v for k, v in f.items() if k != "billing"} for c, f in old["codes"].items()
    }
    Note.objects.filter(pk=note.pk).update(snapshot=CatalogSnapshot.of(old))
    note = Note.objects.get(pk=note.pk)
    assert "billing" not in note.definitions["codes"]["64640"]
    messages = [p.message for p in services.claim_problems(note)]
    assert messages == [
        "64640 is billed per nerve: 9 units but 1 named (suprascapular nerve).",
        "64640 is billed 9 units this date of service; it allows 5 (a practical ceiling, "
        "UNCONFIRMED).",
        "This note is dated 2026, but the catalog's codes were checked against CPT 2025.",
    ]


def test_the_cpt_year_notice_shows_on_the_sign_page(clinician_client, clinician, patient):
    day = datetime.date(2026, 11, 20)
    note = make_note(clinician, patient, complete=True, day=day)
    page = clinician_client.get(f"/notes/{note.pk}/sign/").text
    assert (
        "This note is dated 2026, but the catalog&#x27;s codes were checked against CPT 2025."
        in page
    )


def test_a_code_line_not_saved_pauses_the_checks_instead_of_showing_old_ones(
    clinician_client, clinician, patient
):
    from tests.checklists.test_note_pages import edit_post

    note = cryo_note(clinician, patient)
    body = clinician_client.post(
        f"/notes/{note.pk}/autosave/", edit_post(note, **{"lines-0-units": "two"})
    ).json()
    assert body["can_sign"] is False
    assert "The coding checks wait for the code lines" in body["panel_html"]
    assert '<a href="#code-lines" data-focus="lines">Code lines</a>' in body["panel_html"]
    # The saved line's warning is not shown as if it were the line on the screen.
    assert WARNING not in body["panel_html"]


def test_an_answer_not_saved_is_not_what_the_checks_judge(clinician_client, clinician, patient):
    from tests.checklists.test_note_pages import edit_post

    note = cryo_note(clinician, patient)
    post = edit_post(note, technique={"value": "laser"})  # not a choice: refused
    body = clinician_client.post(f"/notes/{note.pk}/autosave/", post).json()
    assert "technique" in body["errors"]
    # The stored "cryo" no longer drives the checks while the field shows an unsaved value.
    assert WARNING not in body["panel_html"]
