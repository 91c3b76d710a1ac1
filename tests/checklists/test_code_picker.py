"""The code picker, code lines with their technique, and the checklist rebuilt on a code change."""

from checklists import services
from checklists.code_picker import picker_entries, search
from checklists.models import Note
from tests.checklists.test_note_pages import edit_post
from tests.notes import make_note


def codes_for(query):
    return [entry["code"] for entry in search(picker_entries(), query)]


def test_the_picker_finds_codes_by_number_words_and_body_region(catalog):
    assert codes_for("6463") == ["64630", "64632", "64633", "64634", "64635", "64636"]
    assert codes_for("lumbar rf") == ["64628", "64629", "64635", "64636"]
    assert codes_for("knee") == ["64454", "64624"]
    assert codes_for("botox trunk") == ["64646", "64647"]
    assert codes_for("no such thing") == []


def test_the_new_note_page_offers_the_picker_one_line_and_a_line_template(clinician_client):
    page = clinician_client.get("/notes/new/").content.decode()
    assert 'id="code-search"' in page
    assert 'data-codes="[{&quot;code&quot;: &quot;27096&quot;' in page
    assert 'name="lines-TOTAL_FORMS" value="1"' in page
    assert 'name="lines-__prefix__-technique"' in page  # the template for further lines


def post_lines(patient, lines):
    data = {
        "header-patient": patient.pk,
        "header-date_of_service": "2026-11-02",
        "header-place_of_service": "22",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
    }
    for index, (code, technique, site) in enumerate(lines):
        data |= {
            f"lines-{index}-code": code,
            f"lines-{index}-units": "1",
            f"lines-{index}-technique": technique,
            f"lines-{index}-site": site,
        }
    return data


def test_as_many_lines_as_needed_each_with_its_technique(clinician_client, patient):
    lines = [
        ("64640", "chemical", "Left suprascapular nerve"),
        ("64640", "chemical", "Left axillary nerve"),
        ("64642", "", "Left upper extremity"),
        ("64643", "", "Left lower extremity"),
        ("64643", "", "Right lower extremity"),
    ]
    response = clinician_client.post("/notes/new/", post_lines(patient, lines))
    assert response.status_code == 302
    note = Note.objects.get()
    assert [(line.code, line.technique) for line in note.lines.all()] == [
        ("64640", "chemical"),
        ("64640", "chemical"),
        ("64642", "chemodenervation"),
        ("64643", "chemodenervation"),
        ("64643", "chemodenervation"),
    ]
    # The lines differ in technique: the checklist still asks it.
    assert "technique" not in note.answers


def test_a_technique_the_code_does_not_cover_is_refused_next_to_the_line(
    clinician_client, patient
):
    response = clinician_client.post(
        "/notes/new/", post_lines(patient, [("64635", "chemical", "L4-L5")])
    )
    assert response.status_code == 200
    assert (
        "64635 does not cover chemical neurolysis: choose Thermal RF or Cooled RF."
        in response.content.decode()
    )
    assert not Note.objects.exists()


def test_lines_that_share_a_technique_answer_the_checklists_technique(clinician_client, patient):
    lines = [("64635", "cooled_rf", "L4-L5"), ("64636", "cooled_rf", "L5-S1")]
    clinician_client.post("/notes/new/", post_lines(patient, lines))
    note = Note.objects.get()
    assert note.answers == {
        "technique": {"value": "cooled_rf"},
        "rf_sessions_region_12mo": {"value": "0"},  # from the (empty) history, marked
    }
    assert note.copied == {
        "rf_sessions_region_12mo": "From lumbar facets: this practice's signed notes "
        "since 11/02/2025"
    }


def test_changing_a_code_sends_the_rebuilt_checklist_with_the_autosave(
    clinician_client, clinician, patient
):
    note = make_note(clinician, patient, "64681")
    unchanged = clinician_client.post(f"/notes/{note.pk}/autosave/", edit_post(note)).json()
    assert "sections_html" not in unchanged
    note.refresh_from_db()
    data = edit_post(note) | {
        "lines-0-code": "64642",
        "lines-0-site": "Left upper extremity",
    }
    body = clinician_client.post(f"/notes/{note.pk}/autosave/", data).json()
    assert 'id="el-toxin_product"' in body["sections_html"]
    assert 'id="el-neurolytic_agent"' not in body["sections_html"]
    note.refresh_from_db()
    assert note.codes == ["64642"]
    assert note.answers["technique"] == {"value": "chemodenervation"}


def test_the_checklists_technique_fills_the_lines_that_name_none(clinician_client, patient):
    lines = [("64635", "", "L4-L5"), ("64636", "cooled_rf", "L5-S1")]
    clinician_client.post("/notes/new/", post_lines(patient, lines))
    note = Note.objects.get()
    assert "technique" not in note.answers  # the lines do not agree
    data = edit_post(note, {"technique": {"value": "thermal_rf"}})
    data["lines-1-technique"] = "cooled_rf"
    clinician_client.post(f"/notes/{note.pk}/autosave/", data)
    # The blank line takes the answer; the line that named its technique keeps it.
    assert [(line.code, line.technique) for line in note.lines.all()] == [
        ("64635", "thermal_rf"),
        ("64636", "cooled_rf"),
    ]
    note.refresh_from_db()
    assert note.answers["technique"] == {"value": "thermal_rf"}


def test_a_technique_the_lines_code_does_not_cover_leaves_the_line_blank():
    definitions = {
        "codes": {
            "64635": {"techniques": ["thermal_rf", "cooled_rf"]},
            "64681": {"techniques": ["chemical"]},
        }
    }
    lines = [{"code": "64635", "technique": ""}, {"code": "64681", "technique": ""}]
    answers = {"technique": {"value": "thermal_rf"}}
    assert services.with_answer_technique(lines, answers, definitions) == [
        {"code": "64635", "technique": "thermal_rf"},
        {"code": "64681", "technique": ""},
    ]
    assert services.with_answer_technique(lines, {}, definitions) == lines
    # A line naming another technique keeps it, unless it is the answer's previous one.
    named = [{"code": "64635", "technique": "cooled_rf"}]
    assert services.with_answer_technique(named, answers, definitions) == named
    assert services.with_answer_technique(named, answers, definitions, "cooled_rf") == [
        {"code": "64635", "technique": "thermal_rf"}
    ]


def test_lines_that_followed_the_checklists_technique_follow_its_change(clinician_client, patient):
    lines = [("64635", "", "L4-L5"), ("64636", "", "L5-S1")]
    clinician_client.post("/notes/new/", post_lines(patient, lines))
    note = Note.objects.get()
    clinician_client.post(
        f"/notes/{note.pk}/autosave/", edit_post(note, {"technique": {"value": "thermal_rf"}})
    )
    note.refresh_from_db()
    assert [line.technique for line in note.lines.all()] == ["thermal_rf", "thermal_rf"]
    # The clinician changes the technique in the checklist; the page's lines follow it.
    data = edit_post(note, {"technique": {"value": "cooled_rf"}})
    data |= {"lines-0-technique": "cooled_rf", "lines-1-technique": "cooled_rf"}
    clinician_client.post(f"/notes/{note.pk}/autosave/", data)
    note.refresh_from_db()
    assert [line.technique for line in note.lines.all()] == ["cooled_rf", "cooled_rf"]
    assert note.answers["technique"] == {"value": "cooled_rf"}
    # Posted without the script (lines still naming the old technique): the same result.
    data = edit_post(note, {"technique": {"value": "thermal_rf"}})
    data |= {"lines-0-technique": "cooled_rf", "lines-1-technique": "cooled_rf"}
    clinician_client.post(f"/notes/{note.pk}/autosave/", data)
    note.refresh_from_db()
    assert note.answers["technique"] == {"value": "thermal_rf"}
    assert [line.technique for line in note.lines.all()] == ["thermal_rf", "thermal_rf"]
