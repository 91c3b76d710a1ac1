"""Creating, editing, autosaving notes: what the clinician sees and what is stored."""

import json

from audit.models import AuditEvent
from checklists.models import Note, NoteGap
from procedures.models import CatalogVersion
from review import queries
from tests.notes import complete_answers, make_note


def edit_post(note, answers=None, **extra):
    """The edit form's POST data for the note as it stands, with `answers` merged in."""
    data = {
        "version": str(note.version),
        "header-patient": str(note.patient_id),
        "header-date_of_service": note.date_of_service.isoformat(),
        "header-place_of_service": note.place_of_service,
        "lines-TOTAL_FORMS": str(note.lines.count()),
        "lines-INITIAL_FORMS": str(note.lines.count()),
    }
    for index, line in enumerate(note.lines.all()):
        data |= {
            f"lines-{index}-code": line.code,
            f"lines-{index}-units": str(line.units),
            f"lines-{index}-side": line.side,
            f"lines-{index}-modifiers": ", ".join(line.modifiers),
            f"lines-{index}-site": line.site,
        }
    for key, answer in (note.answers | (answers or {})).items():
        value = answer.get("value")
        if value is not None:
            data[key] = value
        if answer.get("na_reason"):
            data[key + "__na"] = answer["na_reason"]
    return data | extra


def test_a_clinician_starts_a_note_for_a_patient(clinician_client, clinician, patient):
    response = clinician_client.post(
        "/notes/new/",
        {
            "header-patient": patient.pk,
            "header-date_of_service": "2026-11-02",
            "header-place_of_service": "11",
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "0",
            "lines-0-code": "64642",
            "lines-0-units": "1",
            "lines-0-site": "Left upper extremity",
            "lines-1-code": "64643",
            "lines-1-units": "1",
            "lines-1-site": "Left lower extremity",
            "lines-2-code": "",
            "lines-2-units": "1",
        },
    )
    note = Note.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/notes/{note.pk}/edit/"
    assert note.codes == ["64642", "64643"]
    assert note.clinician == clinician and note.status == "draft"
    assert note.catalog_version == CatalogVersion.current().version
    assert AuditEvent.objects.filter(action="note.create", note=note).exists()


def test_a_new_note_without_codes_or_with_a_future_date_is_refused_and_keeps_input(
    clinician_client, patient
):
    response = clinician_client.post(
        "/notes/new/",
        {
            "header-patient": patient.pk,
            "header-date_of_service": "2099-01-01",
            "header-place_of_service": "24",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-code": "",
            "lines-0-units": "1",
            "lines-0-modifiers": "LT, 11x",
        },
    )
    page = response.text
    assert response.status_code == 200
    assert "The date of service cannot be in the future." in page
    assert "is not a modifier" in page
    assert 'value="LT, 11x"' in page
    assert '<option value="24" selected>' in page
    assert not Note.objects.exists()


def test_the_edit_page_lists_missing_elements_and_the_completeness(
    clinician_client, clinician, patient
):
    note = make_note(
        clinician,
        patient,
        "64681",
        answers={"informed_consent": {"value": "yes"}, "technique": {"value": "chemical"}},
    )
    page = clinician_client.get(f"/notes/{note.pk}/edit/").text
    assert f'value="{note.completeness}"' in page
    assert (
        f"{note.required_total - note.required_missing} of {note.required_total} required" in page
    )
    assert '<a href="#el-disposition" data-focus="disposition">Disposition</a>' in page
    assert 'href="#el-informed_consent"' not in page


def test_completeness_is_stored_on_save_for_lists_and_review(clinician, patient):
    note = make_note(clinician, patient, "64681", answers={"informed_consent": {"value": "yes"}})
    assert note.required_total > 5
    assert note.required_missing == note.required_total - 1
    gaps = set(NoteGap.objects.filter(note=note).values_list("element_key", flat=True))
    assert "disposition" in gaps and "informed_consent" not in gaps
    assert note.completeness == 100 // note.required_total


def test_each_save_leaves_exactly_the_missing_elements_as_gaps(clinician, patient):
    from checklists import services

    def gaps(note):
        rows = NoteGap.objects.filter(note=note).values_list(
            "pk", "element_key", "label", "requirement"
        )
        return {key: (pk, label, requirement) for pk, key, label, requirement in rows}

    def missing(note):
        result = services.assess_completeness(note)
        return {g.key: (g.label, g.requirement) for g in result.missing}

    note = make_note(clinician, patient, "64681")
    before = gaps(note)
    assert {k: v[1:] for k, v in before.items()} == missing(note)
    # Technique "chemical" documents one gap and opens the neurolytic agent's.
    note = services.save_note(
        note,
        version=note.version,
        answers={"technique": {"value": "chemical"}},
        actor=clinician,
    )
    after = gaps(note)
    assert {k: v[1:] for k, v in after.items()} == missing(note)
    assert "technique" not in after and "neurolytic_agent" in after
    unchanged = set(before) & set(after)
    assert unchanged and all(before[k] == after[k] for k in unchanged)  # rows left alone
    # New codes bring new elements and requirements: the gaps follow.
    lines = [{"code": "64640", "units": 1, "modifiers": ["LT"], "side": "left", "site": "x"}]
    note = services.save_note(
        note, version=note.version, answers=note.answers, lines=lines, actor=clinician
    )
    assert {k: v[1:] for k, v in gaps(note).items()} == missing(note)


def test_saving_a_draft_stores_answers_and_audits_the_change(clinician_client, clinician, patient):
    note = make_note(clinician, patient, "64681")
    data = edit_post(
        note, {"diagnosis": {"value": "C56.9 synthetic"}, "pain_score_pre": {"value": 8}}
    )
    response = clinician_client.post(f"/notes/{note.pk}/edit/", data)
    assert response.status_code == 302
    note.refresh_from_db()
    # The code typed is stored with the code set's own description and release.
    coded = {
        "value": [{"code": "C56.9", "description": "Malignant neoplasm of unspecified ovary"}],
        "code_set": "ICD-10-CM April 2026",
    }
    assert note.answers["diagnosis"] == coded
    assert note.answers["pain_score_pre"] == {"value": 8}
    assert note.version == 2
    event = AuditEvent.objects.filter(action="note.update", note=note).get()
    assert event.detail["answers"]["diagnosis"] == [None, coded]


def test_an_out_of_range_value_is_refused_and_everything_else_is_kept(
    clinician_client, clinician, patient
):
    note = make_note(clinician, patient, "64681", answers={"technique": {"value": "chemical"}})
    data = edit_post(
        note,
        {
            "neurolytic_agent": {"value": "phenol_aqueous"},
            "phenol_concentration": {"value": "60"},
            "indication": {"value": "Synthetic pelvic cancer pain"},
            "neurolytic_volume": {"value": "8"},
        },
    )
    response = clinician_client.post(f"/notes/{note.pk}/edit/", data)
    page = response.text
    assert response.status_code == 200
    assert "Phenol concentration must be between 0 and 15 %." in page
    assert 'value="60"' in page  # what was typed stays on screen
    note.refresh_from_db()
    assert "phenol_concentration" not in note.answers
    assert note.answers["indication"] == {"value": "Synthetic pelvic cancer pain"}
    assert note.answers["neurolytic_volume"] == {"value": "8"}


def test_not_applicable_with_a_reason_documents_an_element(clinician_client, clinician, patient):
    note = make_note(
        clinician, patient, "64681", answers={"imaging_modality": {"value": "fluoroscopy"}}
    )
    allowed = [e for e in note.definitions["elements"] if e["allow_na"] and not e.get("condition")]
    key = allowed[0]["key"]
    data = edit_post(note, {key: {"na_reason": "Not indicated (synthetic reason)"}})
    clinician_client.post(f"/notes/{note.pk}/edit/", data)
    note.refresh_from_db()
    assert note.answers[key] == {"na_reason": "Not indicated (synthetic reason)"}
    assert key not in set(NoteGap.objects.filter(note=note).values_list("element_key", flat=True))


def test_autosave_answers_with_the_live_completeness(clinician_client, clinician, patient):
    note = make_note(clinician, patient, "64681")
    data = edit_post(
        note, {"informed_consent": {"value": "yes"}, "pain_score_pre": {"value": "12"}}
    )
    response = clinician_client.post(f"/notes/{note.pk}/autosave/", data)
    body = response.json()
    assert response.status_code == 200
    assert body["version"] == 2
    # The panel comes rendered by partials/panel.html; the page's script only inserts it.
    panel = body["panel_html"]
    assert 'id="completeness-panel"' in panel
    stored = Note.objects.get(pk=note.pk)
    # Consent; the invalid pain score counts as missing, not as its stored answer.
    assert f"1 of {stored.required_total} required" in panel
    assert "Informed consent obtained and signed" not in panel
    # The invalid pain score is listed as not saved and counted as missing, not stale.
    assert "Not saved: correct this field" in panel
    assert 'href="#el-pain_score_pre"' in panel
    assert body["errors"]["pain_score_pre"] == [
        "Select a valid choice. 12 is not one of the available choices."
    ]
    assert body["can_sign"] is False
    note.refresh_from_db()
    assert note.answers == {"informed_consent": {"value": "yes"}}


def test_autosave_with_an_expired_session_says_so_in_json(client, clinician, patient):
    note = make_note(clinician, patient, "64681")
    response = client.post(f"/notes/{note.pk}/autosave/", edit_post(note))
    assert response.status_code == 401
    assert response.json()["error"] == "session_expired"


def test_a_stale_version_is_refused_and_the_input_stays_on_screen(
    clinician_client, clinician, patient
):
    note = make_note(clinician, patient, "64681")
    first_tab = edit_post(note, {"indication": {"value": "First tab indication"}})
    second_tab = edit_post(note, {"indication": {"value": "Second tab indication"}})
    assert clinician_client.post(f"/notes/{note.pk}/edit/", first_tab).status_code == 302

    response = clinician_client.post(f"/notes/{note.pk}/edit/", second_tab)
    assert response.status_code == 409
    assert "Not saved: this note was changed elsewhere." in response.text
    assert "Second tab indication" in response.text
    note.refresh_from_db()
    assert note.answers["indication"] == {"value": "First tab indication"}

    response = clinician_client.post(f"/notes/{note.pk}/autosave/", second_tab)
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"


def test_coding_checks_show_beside_the_form(clinician_client, clinician, patient):
    lines = [{"code": "64643", "units": 1, "modifiers": [], "side": "", "site": "Left arm"}]
    note = make_note(clinician, patient, lines=lines)
    page = clinician_client.get(f"/notes/{note.pk}/edit/").text
    assert "64643 is an add-on code and needs its primary code 64642 or 64644" in page
    assert "Add 64642 or 64644, or remove 64643." in page


def test_changing_codes_on_a_draft_brings_their_elements(clinician_client, clinician, patient):
    note = make_note(clinician, patient, "64681", answers={"informed_consent": {"value": "yes"}})
    data = edit_post(note)
    data |= {
        "lines-TOTAL_FORMS": "2",
        "lines-1-code": "64640",
        "lines-1-units": "1",
        "lines-1-side": "left",
        "lines-1-modifiers": "LT",
        "lines-1-site": "ilioinguinal nerve",
    }
    assert clinician_client.post(f"/notes/{note.pk}/edit/", data).status_code == 302
    note.refresh_from_db()
    assert note.codes == ["64681", "64640"]
    assert "rf_temperature" in [e["key"] for e in note.definitions["elements"]]
    assert note.answers["informed_consent"] == {"value": "yes"}


def test_another_clinician_cannot_edit_the_note(client, clinician, other_clinician, patient):
    note = make_note(clinician, patient, "64681")
    client.force_login(other_clinician)
    assert client.get(f"/notes/{note.pk}/edit/").status_code == 403
    response = client.post(
        f"/notes/{note.pk}/edit/", edit_post(note, {"diagnosis": {"value": "x"}})
    )
    assert response.status_code == 403
    assert client.post(f"/notes/{note.pk}/autosave/", edit_post(note)).status_code == 403
    note.refresh_from_db()
    assert note.answers == {} and note.version == 1


def test_the_note_list_shows_drafts_first_with_completeness(
    clinician_client, clinician, patient, django_assert_max_num_queries
):
    signed_note = make_note(clinician, patient, "64681", complete=True)
    from tests.notes import sign

    sign(signed_note, clinician)
    draft = make_note(clinician, patient, "64640")
    with django_assert_max_num_queries(10):
        page = clinician_client.get("/notes/").text
    assert page.index(f"/notes/{draft.pk}/edit/") < page.index(f"/notes/{signed_note.pk}/")
    assert f'value="{draft.completeness}"' in page
    assert "Signed" in page and "Draft" in page


def test_the_note_list_query_count_does_not_grow_with_notes(
    clinician_client, clinician, patient, django_assert_num_queries, django_assert_max_num_queries
):
    make_note(clinician, patient, "64681")
    with django_assert_max_num_queries(10) as small:
        clinician_client.get("/notes/")
    for _ in range(5):
        make_note(clinician, patient, "64643")
    with django_assert_num_queries(len(small.captured_queries)):
        clinician_client.get("/notes/")


def test_the_edit_page_needs_a_bounded_number_of_queries(
    clinician_client, clinician, patient, manager, django_assert_num_queries
):
    """Session, user, permissions and roles (one), the note with its snapshot, lines and
    number of open queries, the active codes (picker and line choices in one), the
    scrubber's same-day lines, catalog version, practice. The open queries themselves only
    when there are some."""
    note = make_note(clinician, patient, "64643", complete=True)
    with django_assert_num_queries(9):
        response = clinician_client.get(f"/notes/{note.pk}/edit/")
    assert response.status_code == 200
    assert 'id="queries"' not in response.content.decode()

    queries.open_query(note=note, manager=manager, message="Which <side> was treated?")
    with django_assert_num_queries(10):
        response = clinician_client.get(f"/notes/{note.pk}/edit/")
    page = response.content.decode()
    assert 'id="queries"' in page and "Which &lt;side&gt; was treated?" in page
    assert "Documentation query from the practice manager" in page


def test_complete_answers_make_a_complete_note(clinician, patient):
    note = make_note(clinician, patient, "64640", complete=True)
    assert note.required_missing == 0 and note.completeness == 100
    assert complete_answers(note.definitions, "chemical")["technique"] == {"value": "chemical"}
    json.dumps(note.answers)  # answers are plain JSON


def test_the_edit_page_signs_through_its_own_form_to_the_sign_url(
    clinician_client, clinician, patient
):
    note = make_note(clinician, patient, "64681")
    page = clinician_client.get(f"/notes/{note.pk}/edit/").content.decode()
    # The box is hidden until the script, which saves the draft first, shows it.
    assert (
        '<div class="sign-now card card-body py-2 px-2 mb-lg-3" id="sign-now" '
        'data-can-sign="false" hidden>' in page
    )
    assert (
        f'<form method="post" action="/notes/{note.pk}/sign/" id="sign-now-form" novalidate>'
        in page
    )
    # The password belongs to that form, not to the autosaved note form, and is not kept.
    assert (
        '<input type="password" name="password" id="sign-now-password" form="sign-now-form" '
        'class="form-control form-control-sm" autocomplete="current-password"' in page
    )
    assert page.count('name="password"') == 1
    assert "I personally performed or directly supervised this procedure." in page


def test_the_new_note_page_needs_a_bounded_number_of_queries(
    clinician_client, patient, django_assert_num_queries
):
    """Session, user, permissions and roles (one), practice (place of service default), the
    active codes once for the picker and the line choices (of the columns they show: a
    column read without asking would cost a query per code), the last notes, catalog
    version, practice, patients, favourites."""
    with django_assert_num_queries(10) as captured:
        response = clinician_client.get("/notes/new/")
    assert response.status_code == 200
    picker = [q["sql"] for q in captured if "procedures_procedurecode" in q["sql"]]
    assert len(picker) == 1 and '"billing"' not in picker[0]
