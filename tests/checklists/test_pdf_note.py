"""The note PDF, read back with pypdf the way a payer's or an archive's software would."""

import datetime
import hashlib
import io
import json
import logging
import re
import shutil
import threading
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from checklists import services
from checklists.canonical import note_document
from checklists.models import Note
from checklists.pdf.fetcher import StaticFilesFetcher
from checklists.pdf.render import render_note_pdf
from checklists.presentation import display_value
from practice.models import Practice
from tests.checklists.golden_note import expected_bytes, make_golden_note
from tests.notes import make_note, sign
from tests.tampering import guards_dropped

GENERATED = datetime.datetime(2026, 11, 3, 14, 5, tzinfo=datetime.UTC)
THREE_CODES = [
    {"code": "64633", "units": 1, "modifiers": ["LT"], "side": "left", "site": "C5-C6"},
    {"code": "64634", "units": 1, "modifiers": ["LT"], "side": "left", "site": "C6-C7"},
    {"code": "64635", "units": 1, "modifiers": ["RT"], "side": "right", "site": "L4-L5"},
]
NARRATIVE = (
    "Sensory stimulation at 50 Hz reproduced concordant pain below 0.5 V at each level, and "
    "motor stimulation at 2 Hz up to 2 V produced no fasciculation in the limb. "
)
PDFA_ID = "{http://www.aiim.org/pdfa/ns/id/}"
MARGINS = re.compile(
    r"Zed Testpatient · MRN TEST-0001 · Date of service \S+ "
    r"|Generated .*? Page \d+ of \d+"
    r"|DRAFT "
)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with white space collapsed, so wrapped lines compare as written."""
    return [" ".join(page.extract_text().split()) for page in reader(pdf).pages]


def body_text(pages: list[str]) -> str:
    """The pages' text without the running header, footer and watermark, as one flow."""
    return " ".join(MARGINS.sub("", page).strip() for page in pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def refetch(note) -> Note:
    return Note.objects.select_related("patient", "clinician", "signed_by").get(pk=note.pk)


def long_note(clinician, patient, *, paragraphs=6):
    """A 3-code RF note whose every long-text answer runs to several paragraphs."""
    note = make_note(
        clinician,
        patient,
        lines=THREE_CODES,
        complete=True,
        answers={"technique": {"value": "thermal_rf"}},
    )
    answers = dict(note.answers)
    for element in note.definitions["elements"]:
        if element["input_type"] == "long_text" and element["key"] in answers:
            parts = [
                f"{element['label']}, part {n}. {NARRATIVE * 3}" for n in range(1, paragraphs + 1)
            ]
            answers[element["key"]] = {"value": "\n\n".join(parts)}
    return services.save_note(note, version=note.version, answers=answers, actor=clinician)


@pytest.fixture
def signed_note(catalog, clinician, patient):
    return refetch(sign(make_note(clinician, patient, "64681", complete=True), clinician))


@pytest.fixture
def golden_note(catalog, clinician, patient, monkeypatch):
    """The note of tests/checklists/golden/, signed."""
    return refetch(make_golden_note(clinician, patient, monkeypatch))


@pytest.fixture
def signed_pdf(signed_note):
    return render_note_pdf(signed_note, generated_at=GENERATED)


def test_the_first_page_names_the_practice_the_procedure_the_patient_and_the_clinician(
    signed_pdf,
):
    first = page_texts(signed_pdf)[0]
    for expected in [
        "Testville Pain Clinic (synthetic)",
        "1 Test Road · Testville, ZZ 00000",
        "Procedure note: superior hypogastric plexus neurolysis (64681)",
        "Zed Testpatient",
        "01/31/1960",
        "TEST-0001",
        "11/02/2026",
        "22 Hospital outpatient, on campus",
        "Alice Testdoc MD",
    ]:
        assert expected in first


def test_the_identity_box_reads_label_value_pairs_apart(signed_pdf):
    first = page_texts(signed_pdf)[0]
    assert "Patient Zed Testpatient · Date of birth 01/31/1960 · MRN TEST-0001" in first
    assert "Date of service 11/02/2026 · Place of service 22 Hospital outpatient" in first
    assert "Performing clinician Alice Testdoc MD · Note" in first


def test_every_page_has_the_running_header_and_a_numbered_footer(catalog, clinician, patient):
    note = refetch(long_note(clinician, patient))
    pages = page_texts(render_note_pdf(note, generated_at=GENERATED))
    assert len(pages) >= 4
    for number, text in enumerate(pages, start=1):
        assert "Zed Testpatient · MRN TEST-0001 · Date of service 11/02/2026" in text
        assert f"Page {number} of {len(pages)}" in text
        assert f"Generated 11/03/2026 09:05 EST · Note {note.pk} · Draft" in text


def test_it_prints_every_documented_value_with_its_unit(signed_note, signed_pdf):
    text = " ".join(page_texts(signed_pdf))
    by_key = {e["key"]: e for e in signed_note.definitions["elements"]}
    documented = note_document(signed_note)["elements"]
    assert len(documented) > 30
    for entry in documented:
        element = by_key[entry["key"]]
        assert flat(element["label"]) in text
        assert flat(display_value(element, signed_note.answers[entry["key"]])) in text
    assert "12.5 mL" in text  # neurolytic volume, with its unit


def test_it_prints_code_lines_pain_scores_and_complications(catalog, clinician, patient):
    note = refetch(long_note(clinician, patient, paragraphs=1))
    text = " ".join(page_texts(render_note_pdf(note)))
    assert (
        "Codes 64633 Neck or mid-back facet joint denervation, first joint · 1 unit · "
        "Modifier LT · Side Left · Site C5-C6 64634 "
    ) in text
    assert (
        "64635 Low-back facet joint denervation, first joint · 1 unit · Modifier RT · "
        "Side Right · Site L4-L5 Pain before 3 / 10"
    ) in text
    assert "Pain before 3 / 10 · Pain after 3 / 10" in text
    assert "Complications None" in text


TOXIN_AND_PHENOL = [
    {"code": "64642", "units": 1, "modifiers": [], "side": "", "site": "Biceps"},
    {"code": "64640", "units": 1, "modifiers": [], "side": "", "site": "Radial n."},
]


def codes_table(text: str) -> str:
    # Up to the key findings' box, or the first section when a note has no findings.
    return re.split("Pain before|Pre-procedure", text.split("Codes", 1)[1], maxsplit=1)[0]


def test_lines_of_different_techniques_each_print_their_technique(catalog, clinician, patient):
    # Toxin on 64642 and a phenol block on 64640 in one session: each code line says
    # which technique it was.
    lines = [dict(line, technique="chemodenervation") for line in TOXIN_AND_PHENOL[:1]]
    lines += [dict(line, technique="chemical") for line in TOXIN_AND_PHENOL[1:]]
    note = refetch(make_note(clinician, patient, lines=lines))
    table = codes_table(" ".join(page_texts(render_note_pdf(note))))
    toxin, phenol = table.split("64640")
    assert toxin.strip().endswith(
        "· 1 unit · No modifier · Site Biceps · Technique Chemodenervation"
    )
    assert "64642" in toxin
    assert phenol.rstrip().endswith(
        "· 1 unit · No modifier · Site Radial n. · Technique Chemical neurolysis"
    )


def test_lines_of_one_technique_print_it_once_not_per_line(catalog, clinician, patient):
    note = refetch(long_note(clinician, patient, paragraphs=1))
    table = codes_table(" ".join(page_texts(render_note_pdf(note))))
    assert table.count("64633") == table.count("64634") == table.count("64635") == 1
    assert "Technique" not in table and "Thermal RF" not in table


def test_a_signed_note_prints_the_signature_block_and_no_draft_marks(signed_note, signed_pdf):
    text = " ".join(page_texts(signed_pdf))
    assert services.ATTESTATION in text
    signed_at = timezone.localtime(signed_note.signed_at).strftime("%m/%d/%Y %H:%M")
    assert f"Electronically signed by Alice Testdoc MD on {signed_at}" in text
    assert f"Content SHA-256: {signed_note.content_hash}" in text
    assert "DRAFT" not in text
    assert "Missing required" not in text


def test_a_draft_prints_a_watermark_and_the_missing_list(catalog, clinician, patient):
    note = make_note(clinician, patient, "64681", complete=True)
    answers = {k: v for k, v in note.answers.items() if k not in ("diagnosis", "pain_score_post")}
    note = services.save_note(note, version=note.version, answers=answers, actor=clinician)
    pages = page_texts(render_note_pdf(refetch(note)))
    assert all("DRAFT" in text for text in pages)
    text = " ".join(pages)
    assert "Missing required elements (2): • Diagnoses (ICD-10-CM), primary first" in text
    assert "Pain after the procedure" in text.split("Codes")[0]
    assert "Electronically signed" not in text


def test_free_text_prints_as_text_and_fetches_nothing(catalog, clinician, patient, monkeypatch):
    fetched = []
    original = StaticFilesFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticFilesFetcher, "fetch", spy)
    typed = '<img src="https://attacker.example/pixel.png"> <b>bold</b> & more'
    note = make_note(clinician, patient, "64681", answers={"diagnosis": {"value": typed}})
    text = " ".join(page_texts(render_note_pdf(refetch(note))))
    assert typed in text
    assert not [url for url in fetched if "attacker" in url]


def test_the_embedded_json_is_the_signed_canonical_json(golden_note):
    attachments = reader(render_note_pdf(golden_note, generated_at=GENERATED)).attachments
    assert list(attachments) == ["note.json"]
    assert attachments["note.json"][0] == expected_bytes(golden_note.pk)
    assert json.loads(attachments["note.json"][0])["patient"]["mrn"] == "TEST-0001"


def test_the_embedded_json_hash_is_the_signature_hash(signed_note, signed_pdf):
    embedded = reader(signed_pdf).attachments["note.json"][0]
    assert hashlib.sha256(embedded).hexdigest() == signed_note.content_hash


def test_an_amended_note_still_embeds_what_was_signed(golden_note, clinician):
    services.add_addendum(golden_note, author=clinician, reason="Late entry", text="Called: 2/10.")
    note = refetch(golden_note)
    pdf = render_note_pdf(note)
    text = " ".join(page_texts(pdf))
    assert text.index("Content SHA-256") < text.index("Addendum 1: Late entry")
    assert "Alice Testdoc MD ·" in text.split("Addendum 1: Late entry")[1]
    assert "Called: 2/10." in text
    assert "Signed, amended" in text
    assert reader(pdf).attachments["note.json"][0] == expected_bytes(note.pk)
    assert note.content_hash == hashlib.sha256(expected_bytes(note.pk)).hexdigest()


def test_it_is_pdf_a_3b_with_document_metadata(signed_note, signed_pdf):
    pdf = reader(signed_pdf)
    xmp = pdf.trailer["/Root"]["/Metadata"].get_object().get_data()
    ids = {
        key.removeprefix(PDFA_ID): value
        for element in ET.fromstring(xmp.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0]).iter()
        for key, value in element.attrib.items()
        if key.startswith(PDFA_ID)
    }
    assert ids == {"part": "3", "conformance": "B"}
    assert pdf.metadata.title == "Procedure note: superior hypogastric plexus neurolysis (64681)"
    assert pdf.metadata.author == "Alice Testdoc MD"
    assert pdf.metadata.subject.startswith(f"Procedure note {signed_note.pk}, signed: 64681")
    assert pdf.metadata.creation_date == GENERATED
    filespec = pdf.trailer["/Root"]["/AF"][0].get_object()
    assert filespec["/AFRelationship"] == "/Data"
    assert filespec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"


def test_every_font_is_embedded_dejavu(signed_pdf):
    for page in reader(signed_pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "DejaVu" in descendant["/BaseFont"]
            assert "/FontFile2" in descendant["/FontDescriptor"]


def test_weasyprint_subsets_fonts_with_harfbuzz_not_fonttools(signed_note, caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    render_note_pdf(signed_note)
    assert not [r for r in caplog.records if "fontTools" in r.getMessage()]


def test_long_answers_break_across_pages_and_rows_stay_whole(catalog, clinician, patient):
    note = refetch(long_note(clinician, patient))
    pages = page_texts(render_note_pdf(note))
    text = body_text(pages)
    # Every long answer is there in full, even where it runs over a page break...
    for key, answer in note.answers.items():
        if "\n\n" in str(answer["value"]):
            for paragraph in answer["value"].split("\n\n"):
                assert flat(paragraph) in text, key
    # ...while a short label: value row never starts on one page and ends on the next.
    for row in [
        "Guidance used: Fluoroscopy",
        "Time-out done (patient, procedure, site and side confirmed): Yes",
    ]:
        assert any(row in page for page in pages)


@pytest.mark.parametrize(("setting", "size"), [("letter", (612, 792)), ("a4", (595, 842))])
def test_the_page_size_follows_the_practice_setting(signed_note, practice, setting, size):
    Practice.objects.filter(pk=practice.pk).update(pdf_page_size=setting)
    box = reader(render_note_pdf(signed_note)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_the_pdf_view_serves_the_note_inline_and_records_it(clinician_client, signed_note):
    response = clinician_client.get(reverse("checklists:note-pdf", args=[signed_note.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="note-{signed_note.pk}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="note.pdf", note=signed_note).count() == 1


def test_the_pdf_view_requires_login(client, signed_note):
    response = client.get(reverse("checklists:note-pdf", args=[signed_note.pk]))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="note.pdf").exists()


def test_the_pdf_view_hides_notes_from_users_without_a_role(client, signed_note):
    client.force_login(User.objects.create_user("visitor", password="x-visitor-password"))
    response = client.get(reverse("checklists:note-pdf", args=[signed_note.pk]))
    assert response.status_code == 404


def test_the_note_page_links_to_its_pdf(clinician_client, signed_note):
    response = clinician_client.get(signed_note.get_absolute_url())
    assert reverse("checklists:note-pdf", args=[signed_note.pk]) in response.content.decode()


def test_a_signed_note_whose_content_changed_says_its_integrity_check_failed(signed_note):
    tampered = dict(signed_note.answers, diagnosis={"value": "Changed after signing"})
    with guards_dropped():
        Note.objects.filter(pk=signed_note.pk).update(answers=tampered)
    text = " ".join(page_texts(render_note_pdf(refetch(signed_note))))
    assert "Integrity check failed" in text


@pytest.mark.django_db(transaction=True)
def test_a_background_worker_thread_renders_a_note_without_a_request(catalog, clinician, patient):
    note = sign(make_note(clinician, patient, "64681", complete=True), clinician)
    rendered = {}

    def worker():
        try:
            rendered["pdf"] = render_note_pdf(Note.objects.get(pk=note.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    embedded = reader(rendered["pdf"]).attachments["note.json"][0]
    assert hashlib.sha256(embedded).hexdigest() == note.content_hash


@pytest.mark.skipif(not shutil.which("pdfdetach"), reason="poppler-utils is not installed")
def test_the_pdfs_hash_checks_out_with_outside_tools_as_documented(signed_note, tmp_path):
    """docs/canonical-json.md: pdfdetach, then sha256sum, then an RFC 8785 round trip."""
    import subprocess

    import rfc8785

    pdf = tmp_path / "note.pdf"
    pdf.write_bytes(render_note_pdf(refetch(signed_note)))
    subprocess.run(
        ["pdfdetach", "-savefile", "note.json", "-o", str(tmp_path / "note.json"), str(pdf)],
        check=True,
    )
    data = (tmp_path / "note.json").read_bytes()
    digest = subprocess.run(
        ["sha256sum", str(tmp_path / "note.json")], capture_output=True, text=True, check=True
    ).stdout.split()[0]
    assert digest == signed_note.content_hash
    assert signed_note.content_hash in " ".join(page_texts(pdf.read_bytes()))
    assert rfc8785.dumps(json.loads(data)) == data


def test_a_long_answer_prints_its_spaces_single_and_its_line_breaks_kept(
    catalog, clinician, patient
):
    note = make_note(clinician, patient, "64681", complete=True)
    typed = (
        "Twelve  weeks\tof scheduled opioids with adjuvant gabapentin and duloxetine;  dose "
        "increases limited by sedation, constipation and falls at home.   \r\n"
        "   Pelvic radiotherapy completed in March without lasting relief, and a trial of "
        "intrathecal therapy was declined by the patient after discussion.\n\n"
        "\tSecond paragraph:  nothing else."
    )
    answers = dict(note.answers) | {"conservative_care_failure": {"value": typed}}
    note = services.save_note(note, version=note.version, answers=answers, actor=clinician)
    lines = [
        line.strip()
        for page in reader(render_note_pdf(refetch(note))).pages
        for line in page.extract_text().splitlines()
    ]
    start = lines.index(
        "Why conservative care failed or is not appropriate (what, how long, result):"
    )
    printed = " | ".join(lines[start + 1 : start + 7])
    # Wrapped where the width ends, broken where the clinician broke the line; one space
    # between words wherever the typing had several or a tab.
    assert "  " not in printed and "\t" not in printed
    assert flat(printed.replace(" | ", " ")).startswith(
        "Twelve weeks of scheduled opioids with adjuvant gabapentin and duloxetine; dose "
        "increases limited by sedation, constipation and falls at home. Pelvic radiotherapy"
    )
    assert "home. | Pelvic radiotherapy" in printed
    assert "patient after discussion. | Second paragraph: nothing else." in printed
