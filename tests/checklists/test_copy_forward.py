"""Copy-forward and favourites: what a new draft takes, what stays marked, what blocks signing."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from checklists import copy_sources, services
from checklists.copy_forward import (
    carried_after,
    confirm_section,
    copy_answers,
    still_unconfirmed,
)
from checklists.diagnosis_field import as_text
from checklists.models import Favourite, Note
from practice.models import Patient
from review.selectors import possibly_cloned
from tests.checklists.test_note_pages import edit_post
from tests.notes import make_note, sign

ELEMENTS = [
    {"key": "informed_consent", "section": "pre", "input_type": "yes_no"},
    {"key": "diagnosis", "section": "pre", "input_type": "text"},
    {"key": "pain_score_pre", "section": "pre", "input_type": "pain_score"},
    {"key": "mbb1_date", "section": "pre", "input_type": "date"},
    {"key": "time_out", "section": "procedure", "input_type": "yes_no"},
    {"key": "technique", "section": "procedure", "input_type": "choice"},
    {"key": "rf_temperature", "section": "procedure", "input_type": "number"},
    {"key": "rf_device", "section": "procedure", "input_type": "text"},
    {"key": "sensory_threshold", "section": "procedure", "input_type": "number"},
    {"key": "complications", "section": "post", "input_type": "multi_choice"},
    {"key": "disposition", "section": "post", "input_type": "choice"},
    {"key": "pain_score_post", "section": "post", "input_type": "pain_score"},
    {"key": "follow_up_plan", "section": "post", "input_type": "long_text"},
]
ANSWERS = {
    "informed_consent": {"value": "yes"},
    "diagnosis": {"value": "M47.816 Lumbar spondylosis (synthetic)"},
    "pain_score_pre": {"value": 7},
    "mbb1_date": {"value": "2026-01-05"},
    "time_out": {"value": "yes"},
    "technique": {"value": "thermal_rf"},
    "rf_temperature": {"value": "80"},
    "rf_device": {"value": "Synthetic RF generator"},
    "sensory_threshold": {"value": "0.4"},
    "complications": {"value": ["none"]},
    "disposition": {"value": "home"},
    "pain_score_post": {"value": 2},
    "follow_up_plan": {"value": "Clinic in 6 weeks, relief and ODI (synthetic)."},
}


def test_the_same_patients_note_gives_its_history_and_setup_never_todays_facts():
    assert copy_answers(ELEMENTS, ANSWERS, same_patient=True) == {
        "diagnosis": {"value": "M47.816 Lumbar spondylosis (synthetic)"},
        "technique": {"value": "thermal_rf"},
        "rf_temperature": {"value": "80"},
        "rf_device": {"value": "Synthetic RF generator"},
        "follow_up_plan": {"value": "Clinic in 6 weeks, relief and ODI (synthetic)."},
    }


def test_a_favourite_keeps_no_free_text_date_or_history():
    assert copy_answers(ELEMENTS, ANSWERS, same_patient=False) == {
        "technique": {"value": "thermal_rf"},
        "rf_temperature": {"value": "80"},
    }


def test_a_copy_stays_marked_until_edited_or_its_section_is_confirmed():
    copied = {"diagnosis": "note 1", "technique": "note 1", "rf_temperature": "note 1"}
    new = ANSWERS | {"rf_temperature": {"value": "85"}}
    assert still_unconfirmed(copied, ANSWERS, new) == {
        "diagnosis": "note 1",
        "technique": "note 1",
    }
    assert confirm_section(copied, ELEMENTS, "procedure") == {"diagnosis": "note 1"}
    # Saved again unchanged, a coded diagnosis gets today's code-set name: still a copy.
    coded = {"diagnosis": {"value": [{"code": "M47.816"}]}}
    resaved = {"diagnosis": {"value": [{"code": "M47.816"}], "code_set": "ICD-10-CM 2026"}}
    assert still_unconfirmed({"diagnosis": "note 1"}, coded, resaved) == {"diagnosis": "note 1"}


def test_a_confirmed_copy_is_carried_until_its_value_changes():
    untouched = {"diagnosis": "note 1", "technique": "note 1"}
    # The procedure section confirmed: technique is carried, diagnosis still a copy.
    assert carried_after({}, untouched, {"diagnosis": "note 1"}, ANSWERS, ANSWERS) == {
        "technique": "note 1"
    }
    carried = {"technique": "note 1", "rf_temperature": "note 1"}
    new = ANSWERS | {"rf_temperature": {"value": "85"}}
    assert carried_after(carried, {}, {}, ANSWERS, new) == {"technique": "note 1"}


LUMBAR = [
    {"code": "64635", "units": 1, "modifiers": ["RT"], "side": "right", "site": "L4-L5"},
    {"code": "64636", "units": 1, "modifiers": ["RT"], "side": "right", "site": "L5-S1"},
]


@pytest.fixture
def earlier_rf(clinician, patient):
    lines = [dict(line, technique="thermal_rf") for line in LUMBAR]
    note = make_note(
        clinician,
        patient,
        lines=lines,
        complete=True,
        answers={"procedure_side": {"value": "right"}, "technique": {"value": "thermal_rf"}},
    )
    return sign(note, clinician)


def new_note_post(patient, **extra):
    return {
        "header-patient": patient.pk,
        "header-date_of_service": "2026-11-20",
        "header-place_of_service": "22",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-code": "",
        "lines-0-units": "1",
    } | extra


def test_starting_from_the_last_note_copies_setup_and_marks_it(
    clinician_client, clinician, patient, earlier_rf
):
    page = clinician_client.get(f"/notes/new/?patient={patient.pk}").content.decode()
    assert "Start from the last 64635 + 64636 note (11/02/2026, L4-L5)" in page

    response = clinician_client.post(
        "/notes/new/", new_note_post(patient, from_note=str(earlier_rf.pk))
    )
    note = Note.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/notes/{note.pk}/edit/"
    assert [(line.code, line.side, line.site, line.technique) for line in note.lines.all()] == [
        ("64635", "right", "L4-L5", "thermal_rf"),
        ("64636", "right", "L5-S1", "thermal_rf"),
    ]
    expected = copy_answers(
        earlier_rf.definitions["elements"], earlier_rf.answers, same_patient=True
    )
    # The earlier RF itself is history now: its date, from the patient's record; the pain
    # has lasted the earlier duration plus the whole months since (none here).
    assert note.answers == expected | {
        "prior_rf_same_region": {"value": "yes"},
        "prior_rf_date": {"value": "2026-11-02"},
        "rf_sessions_region_12mo": {"value": "1"},
        "pain_duration_months": {"value": "150"},
    }
    for fresh in ("informed_consent", "time_out", "complications", "disposition"):
        assert fresh not in note.answers
    # Of the post-procedure section only the plan comes along, marked like the rest.
    assert note.answers["follow_up_plan"] == earlier_rf.answers["follow_up_plan"]
    assert {
        e["key"]
        for e in note.definitions["elements"]
        if e["section"] == "post" and e["key"] in note.answers
    } == {"follow_up_plan"}
    assert note.copied["follow_up_plan"] == f"Copied from note {earlier_rf.pk} of 11/02/2026"
    assert note.copied["pain_duration_months"] == (
        f"From 150 months on note {earlier_rf.pk} of 11/02/2026 (L4-L5, L5-S1) "
        "+ 0 whole months since"
    )
    assert note.answers["technique"] == {"value": "thermal_rf"}
    assert set(note.copied) == set(note.answers)
    assert note.copied["technique"] == f"Copied from note {earlier_rf.pk} of 11/02/2026"
    assert note.copied["prior_rf_date"] == (
        f"From note {earlier_rf.pk} of 11/02/2026 (L4-L5, L5-S1)"
    )
    event = AuditEvent.objects.get(action="note.create", note=note)
    assert event.detail["copied_from_note"] == earlier_rf.pk

    edit = clinician_client.get(f"/notes/{note.pk}/edit/").content.decode()
    # One confirmation for all, beside "Save and sign", listing what it confirms.
    assert edit.count('name="confirm"') == 1
    assert '<button type="submit" name="confirm" value="all"' in edit
    for section, label in (("pre", "Pre-procedure"), ("procedure", "Procedure")):
        labels = [
            e["label"]
            for e in note.definitions["elements"]
            if e["key"] in note.copied and e["section"] == section
        ]
        listed = (
            f'<summary>{label} ({len(labels)})</summary><a href="#sec-{section}">{label}</a>: '
            + "; ".join(labels)
        )
        assert listed in edit
    assert "Diagnoses (ICD-10-CM), primary first; " in edit
    assert (
        '<summary>Post-procedure (1)</summary><a href="#sec-post">Post-procedure</a>: '
        "Follow-up plan" in edit
    )


def form_post(note, confirm):
    """The edit form as the page posts it: the coded diagnosis as its textarea shows it."""
    diagnosis = as_text(note.answers["diagnosis"]["value"])
    return edit_post(note, confirm=confirm) | {"diagnosis": diagnosis}


def test_a_note_with_unconfirmed_copies_cannot_be_signed_until_each_section_is_confirmed(
    clinician_client, clinician, patient, earlier_rf
):
    clinician_client.post("/notes/new/", new_note_post(patient, from_note=str(earlier_rf.pk)))
    note = Note.objects.latest("pk")
    pre = sum(
        1
        for e in note.definitions["elements"]
        if e["key"] in note.copied and e["section"] == "pre"
    )
    procedure = len(note.copied) - pre - 1
    reasons = services.signing_problems(note, clinician)
    assert reasons[-1] == (
        f"Copied or prefilled values not yet confirmed: Pre-procedure ({pre}), "
        f"Procedure ({procedure}), Post-procedure (1)."
    )
    page = clinician_client.get(f"/notes/{note.pk}/sign/").content.decode()
    assert f'href="/notes/{note.pk}/edit/#sec-pre">Pre-procedure</a>' in page

    response = clinician_client.post(f"/notes/{note.pk}/edit/", form_post(note, "procedure"))
    assert response.status_code == 302
    assert response["Location"] == f"/notes/{note.pk}/edit/#sec-procedure"
    note.refresh_from_db()
    assert {e["section"] for e in note.definitions["elements"] if e["key"] in note.copied} == {
        "pre",
        "post",
    }
    clinician_client.post(f"/notes/{note.pk}/edit/", form_post(note, "pre"))
    note.refresh_from_db()
    assert list(note.copied) == ["follow_up_plan"]
    clinician_client.post(f"/notes/{note.pk}/edit/", form_post(note, "post"))
    note.refresh_from_db()
    assert note.copied == {}
    assert not any("Copied" in r for r in services.signing_problems(note, clinician))


def test_another_patients_note_is_never_a_start(clinician_client, clinician, earlier_rf):
    other = Patient.objects.create(
        first_name="Yan", last_name="Fictional", date_of_birth=datetime.date(1970, 5, 5), mrn="T-2"
    )
    response = clinician_client.post(
        "/notes/new/", new_note_post(other, from_note=str(earlier_rf.pk))
    )
    assert response.status_code == 200
    assert "That earlier note is of another patient." in response.content.decode()
    assert Note.objects.count() == 1


def test_a_favourite_starts_another_patients_note_without_their_text(
    clinician_client, clinician, patient, earlier_rf
):
    # Saved from a draft copied from the earlier RF, as a clinician does after a procedure.
    response = clinician_client.post(
        f"/notes/{earlier_rf.pk}/favourite/", {"name": "  My usual   lumbar RF "}
    )
    assert response.status_code == 302
    favourite = Favourite.objects.get()
    assert favourite.name == "My usual lumbar RF" and favourite.clinician == clinician
    assert favourite.lines == [
        {
            "code": "64635",
            "units": 1,
            "modifiers": ["RT"],
            "side": "",
            "site": "",
            "technique": "thermal_rf",
        },
        {
            "code": "64636",
            "units": 1,
            "modifiers": ["RT"],
            "side": "",
            "site": "",
            "technique": "thermal_rf",
        },
    ]
    assert favourite.answers == copy_answers(
        earlier_rf.definitions["elements"], earlier_rf.answers, same_patient=False
    )
    assert "technique" in favourite.answers
    types = {e["key"]: e["input_type"] for e in earlier_rf.definitions["elements"]}
    assert not {types[k] for k in favourite.answers} & {"text", "long_text", "date"}

    other = Patient.objects.create(
        first_name="Yan", last_name="Fictional", date_of_birth=datetime.date(1970, 5, 5), mrn="T-2"
    )
    page = clinician_client.get("/notes/new/").content.decode()
    assert "My usual lumbar RF (64635 + 64636)" in page
    clinician_client.post("/notes/new/", new_note_post(other, from_favourite=str(favourite.pk)))
    note = Note.objects.latest("pk")
    assert note.patient == other
    # The new patient's own record (none in this practice) gives the session count.
    assert note.answers == favourite.answers | {"rf_sessions_region_12mo": {"value": "0"}}
    assert note.copied == dict.fromkeys(
        favourite.answers, "From your favourite “My usual lumbar RF”"
    ) | {
        "rf_sessions_region_12mo": "From lumbar facets: this practice's signed notes "
        "since 11/20/2025"
    }


def test_a_favourite_of_another_clinician_is_not_offered_or_used(
    client, other_clinician, clinician, patient, earlier_rf
):
    Favourite.objects.create(clinician=clinician, name="Alice's RF", lines=[], answers={})
    client.force_login(other_clinician)
    assert "Alice's RF" not in client.get("/notes/new/").content.decode()
    favourite = Favourite.objects.get()
    response = client.post("/notes/new/", new_note_post(patient, from_favourite=str(favourite.pk)))
    assert "That favourite no longer exists." in response.content.decode()


def test_the_cloned_text_check_still_sees_copied_text(clinician, patient, earlier_rf):
    other = Patient.objects.create(
        first_name="Yan", last_name="Fictional", date_of_birth=datetime.date(1970, 5, 5), mrn="T-2"
    )
    text = earlier_rf.answers["indication"]["value"]
    make_note(clinician, other, lines=LUMBAR, answers={"indication": {"value": text}})
    start = copy_sources.from_note(earlier_rf)
    services.create_note(
        clinician=clinician,
        patient=patient,
        date_of_service=datetime.date(2026, 11, 20),
        place_of_service="22",
        lines=start.lines,
        answers=start.answers,
        copied=start.copied,
        from_history=True,
    )
    found = [c for c in possibly_cloned(Note.objects.all()) if c.element_key == "indication"]
    assert [(c.patients, c.notes) for c in found] == [(2, 3)]


def test_confirm_all_confirms_every_section_at_once_and_is_audited(
    clinician_client, clinician, patient, earlier_rf
):
    clinician_client.post("/notes/new/", new_note_post(patient, from_note=str(earlier_rf.pk)))
    note = Note.objects.latest("pk")
    marked = set(note.copied)
    assert {e["section"] for e in note.definitions["elements"] if e["key"] in marked} == {
        "pre",
        "procedure",
        "post",
    }

    response = clinician_client.post(f"/notes/{note.pk}/edit/", form_post(note, "all"))

    assert response.status_code == 302 and response["Location"] == f"/notes/{note.pk}/edit/"
    note.refresh_from_db()
    assert note.copied == {}
    assert not any("Copied" in r for r in services.signing_problems(note, clinician))
    event = AuditEvent.objects.filter(action="note.update", note=note).latest("pk")
    assert event.detail["confirmed"] == sorted(marked)
    # Confirmed, they are carried: the edit page marks them to be shown as read-only lines
    # (no "copied" badge any more), until a value changes.
    assert set(note.carried) == marked
    page = clinician_client.get(f"/notes/{note.pk}/edit/").content.decode()
    assert page.count(" is-carried") == len(marked)
    assert "copied-badge" not in page
    assert page.count("Copied values confirmed. They are shown as read;") == 3
    data = form_post(note, None) | {"rf_temperature": "85"}
    data.pop("confirm", None)
    clinician_client.post(f"/notes/{note.pk}/autosave/", data)
    note.refresh_from_db()
    assert set(note.carried) == marked - {"rf_temperature"}


def test_the_new_note_page_offers_a_repeat_for_the_clinicians_recent_patients(
    clinician_client, clinician, other_clinician, patient, earlier_rf
):
    stranger = Patient.objects.create(
        first_name="Zed", last_name="Fictional", date_of_birth=datetime.date(1961, 2, 2), mrn="T-9"
    )
    theirs = sign(make_note(other_clinician, stranger, "64681", complete=True), other_clinician)

    page = clinician_client.get("/notes/new/").content.decode()
    assert page.count('name="repeat_note"') == 1  # the clinician's own patients only
    assert f'name="repeat_note" value="{earlier_rf.pk}"' in page
    assert 'Repeat 64635 + 64636<span class="visually-hidden"> for ' in page
    assert f"MRN {patient.mrn} · last 11/02/2026 · right L4-L5" in page

    # One click: the patient comes from the note; date and place of service from the form.
    posted = new_note_post(patient, repeat_note=str(earlier_rf.pk))
    del posted["header-patient"]
    response = clinician_client.post("/notes/new/", posted)
    note = Note.objects.latest("pk")
    assert response["Location"] == f"/notes/{note.pk}/edit/"
    assert (note.patient, note.date_of_service.isoformat()) == (patient, "2026-11-20")
    assert [(line.code, line.site) for line in note.lines.all()] == [
        ("64635", "L4-L5"),
        ("64636", "L5-S1"),
    ]
    assert note.copied["technique"] == f"Copied from note {earlier_rf.pk} of 11/02/2026"
    assert "informed_consent" not in note.answers
    assert (
        AuditEvent.objects.get(action="note.create", note=note).detail["copied_from_note"]
        == earlier_rf.pk
    )

    # Another clinician's note is no start, even posted by hand.
    posted = new_note_post(stranger, repeat_note=str(theirs.pk))
    del posted["header-patient"]
    response = clinician_client.post("/notes/new/", posted)
    assert response.status_code == 200
    assert "That note is not one of your signed notes." in response.content.decode()
    assert Note.objects.latest("pk") == note


def test_changing_the_codes_on_the_edit_page_prefills_the_new_elements_from_history(
    clinician_client, clinician, patient, earlier_rf
):
    note = make_note(clinician, patient, "64681", day=datetime.date(2026, 11, 20))
    assert "prior_rf_date" not in note.answers
    data = edit_post(note) | {"lines-0-code": "64635", "lines-0-site": "L4-L5"}
    body = clinician_client.post(f"/notes/{note.pk}/autosave/", data).json()
    note.refresh_from_db()
    assert note.codes == ["64635"]
    where = f"From note {earlier_rf.pk} of 11/02/2026 (L4-L5, L5-S1)"
    assert {k: v for k, v in note.answers.items() if k.startswith(("prior_rf", "rf_"))} == {
        "prior_rf_same_region": {"value": "yes"},
        "prior_rf_date": {"value": "2026-11-02"},
        "rf_sessions_region_12mo": {"value": "1"},
    }
    assert note.copied == {
        "prior_rf_same_region": where,
        "prior_rf_date": where,
        "rf_sessions_region_12mo": "From lumbar facets: this practice's signed notes "
        "since 11/20/2025",
        "pain_duration_months": f"From 150 months on note {earlier_rf.pk} of 11/02/2026 "
        "(L4-L5, L5-S1) + 0 whole months since",
    }
    # The rebuilt checklist shows them marked, and the change is audited as prefilled.
    assert body["sections_html"].count('<span class="badge copied-badge">copied</span> From') == 4
    event = AuditEvent.objects.filter(action="note.update", note=note).latest("pk")
    assert event.detail["prefilled"] == [
        "pain_duration_months",
        "prior_rf_date",
        "prior_rf_same_region",
        "rf_sessions_region_12mo",
    ]


def test_the_notes_list_repeats_a_signed_note_of_ones_own_in_one_click(
    clinician_client, clinician, other_clinician, patient, earlier_rf, practice
):
    practice.default_place_of_service = "22"
    practice.save()
    draft = make_note(clinician, patient, "64681")
    theirs = sign(make_note(other_clinician, patient, "64681", complete=True), other_clinician)

    page = clinician_client.get("/notes/").content.decode()
    assert f'name="repeat_note" value="{earlier_rf.pk}"' in page
    assert page.count('name="repeat_note"') == 1  # not the draft, not another's note
    assert f'value="{draft.pk}"' not in page and f'value="{theirs.pk}"' not in page

    # The button posts nothing else: today's date, the practice's place of service.
    response = clinician_client.post("/notes/new/", {"repeat_note": str(earlier_rf.pk)})
    note = Note.objects.latest("pk")
    assert response["Location"] == f"/notes/{note.pk}/edit/"
    assert (note.patient, note.date_of_service, note.place_of_service) == (
        patient,
        timezone.localdate(),
        "22",
    )
    assert note.codes == ["64635", "64636"]
    assert note.copied["technique"] == f"Copied from note {earlier_rf.pk} of 11/02/2026"
    for key in ("informed_consent", "time_out", "complications", "disposition"):
        assert key not in note.answers

    response = clinician_client.post("/notes/new/", {"repeat_note": str(theirs.pk)})
    assert "That note is not one of your signed notes." in response.content.decode()
    response = clinician_client.post("/notes/new/", {"repeat_note": str(draft.pk)})
    assert "That note is not one of your signed notes." in response.content.decode()
    assert Note.objects.latest("pk") == note
