"""The prior-authorization packet, read back with pypdf: bookmarks, cover sheet, PDF/A."""

import io
import re

import pytest
from pypdf import PdfReader

from audit.models import AuditEvent
from checklists import services
from checklists.canonical import canonical_bytes
from checklists.pdf import fast_html
from rules.packet import build_packet
from tests.checklists.test_pdf_fast_html import fast_tree, html5_tree
from tests.rules.history import DOS, block_note, days_before, rf_note


def outline(reader):
    def walk(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item) + 1

    return list(walk(reader.outline))


def text(reader, page):
    return " ".join(reader.pages[page - 1].extract_text().split())


@pytest.fixture
def history(clinician, medicare_patient):
    first = block_note(clinician, medicare_patient, days_before(40), 85)
    second = block_note(clinician, medicare_patient, days_before(20), 90)
    rf = rf_note(clinician, medicare_patient, DOS)
    services.add_addendum(
        rf, author=clinician, reason="Level clarified", text="Both cannulas at L4-L5 on the left."
    )
    return rf, first, second


def test_the_packet_has_a_cover_the_note_the_blocks_and_addenda_bookmarked(history):
    rf, first, second = history
    packet = build_packet(rf)
    reader = PdfReader(io.BytesIO(packet.pdf))
    marks = outline(reader)
    titles = [(depth, title) for depth, title, _ in marks]
    assert titles[0] == (0, "Cover sheet: coverage criteria")
    assert titles[1] == (0, f"Low-back facet joint denervation, first joint (64635), note {rf.pk}")
    assert titles[2] == (0, "Diagnostic and prognostic blocks relied on")
    assert titles[3][0] == 1 and titles[3][1].endswith(
        f"{first.date_of_service:%m/%d/%Y}, note {first.pk}"
    )
    assert titles[4][0] == 1 and titles[4][1].endswith(f"note {second.pk}")
    assert titles[5:] == [(0, "Addenda"), (1, f"Note {rf.pk}: 1 addendum")]
    pages = {title: page for _, title, page in marks}
    # Each bookmark lands on its note's own pages (the running footer names the note).
    assert f"Note {rf.pk} · Signed" in text(reader, pages[titles[1][1]])
    assert f"Note {first.pk}" in text(reader, pages[titles[3][1]])
    assert "Addenda" in text(reader, pages["Addenda"]) and "Level clarified" in text(
        reader, pages["Addenda"]
    )
    assert packet.note_ids == (rf.pk, first.pk, second.pk)


def test_the_cover_sheet_lists_each_criterion_met_or_not_with_its_evidence_page(history):
    rf, first, second = history
    reader = PdfReader(io.BytesIO(build_packet(rf).pdf))
    cover_pages = next(page for _, title, page in outline(reader) if "note" in title) - 1
    cover = " ".join(text(reader, n) for n in range(1, cover_pages + 1))
    assert "Prior-authorization packet: coverage criteria" in cover
    assert "Claim-ready" in cover and "Medicare (test)" in cover
    assert "Medicare facet joint RF ablation" in cover and "LCD L38801" in cover
    assert (
        "Two consecutive diagnostic medial branch blocks, each with at least 80 % relief" in cover
    )
    found = re.search(rf"note {first.pk}, p\. (\d+); note {second.pk}, p\. (\d+)", cover)
    assert found, cover
    assert f"Note {first.pk}" in text(reader, int(found.group(1)))
    assert f"Note {second.pk}" in text(reader, int(found.group(2)))
    # An answer in the note itself points to the page that shows it.
    temperature = re.search(r"Lesion temperature: 85 C\. this note, p\. (\d+)", cover)
    assert temperature and "Lesion temperature" in text(reader, int(temperature.group(1)))
    assert "Not applicable" in cover  # repeat-RF criteria for a first ablation


def test_a_failing_note_says_not_claim_ready_on_the_cover(clinician, medicare_patient):
    block_note(clinician, medicare_patient, days_before(40), 85)
    block_note(clinician, medicare_patient, days_before(20), 79)
    rf = rf_note(clinician, medicare_patient, DOS)
    cover = text(PdfReader(io.BytesIO(build_packet(rf).pdf)), 1)
    assert "Not claim-ready" in cover
    assert (
        "required criteria are not met: Two consecutive diagnostic medial branch blocks" in cover
    )


def test_the_packet_keeps_the_pdfa_identity_and_attaches_each_notes_data(history):
    rf, first, second = history
    reader = PdfReader(io.BytesIO(build_packet(rf).pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert reader.trailer["/ID"]
    producer = re.search(r'pdf:Producer="([^"]+)"', xmp).group(1)
    assert reader.metadata["/Producer"] == producer
    assert "Prior-authorization packet" in reader.metadata["/Title"]
    attachments = reader.attachments
    assert sorted(attachments) == sorted(f"note-{n.pk}.json" for n in (rf, first, second))
    assert attachments[f"note-{rf.pk}.json"][0] == canonical_bytes(rf)
    associated = [ref.get_object() for ref in root["/AF"]]
    assert {spec["/F"] for spec in associated} == set(attachments)
    assert {spec["/AFRelationship"] for spec in associated} == {"/Data"}


def test_managers_build_it_for_any_signed_note_and_it_is_audited(client, history, manager):
    rf, first, second = history
    client.force_login(manager)
    response = client.get(f"/notes/{rf.pk}/packet.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="packet-note-{rf.pk}.pdf"'
    assert response["Cache-Control"] == "private, no-store, max-age=0, no-cache, must-revalidate"
    event = AuditEvent.objects.filter(action="note.packet").get()
    assert event.note_id == rf.pk and event.actor == manager
    assert event.detail["notes"] == [rf.pk, first.pk, second.pk]
    assert event.detail["claim_state"] == "ready"


def test_the_clinician_builds_it_for_their_own_note_but_not_for_a_colleagues(
    client, history, clinician, other_clinician
):
    rf, *_ = history
    client.force_login(clinician)
    assert client.get(f"/notes/{rf.pk}/packet.pdf").status_code == 200
    client.force_login(other_clinician)
    assert client.get(f"/notes/{rf.pk}/packet.pdf").status_code == 403


def test_a_draft_has_no_packet_and_visitors_must_sign_in(client, clinician, medicare_patient):
    draft = rf_note(clinician, medicare_patient, DOS, sign=False)
    assert client.get(f"/notes/{draft.pk}/packet.pdf").status_code == 302
    client.force_login(clinician)
    response = client.get(f"/notes/{draft.pk}/packet.pdf")
    assert response.status_code == 302 and response["Location"] == f"/notes/{draft.pk}/"
    assert not AuditEvent.objects.filter(action="note.packet").exists()


def test_every_page_of_the_packet_is_numbered_across_cover_and_notes(history):
    rf, _, _ = history
    reader = PdfReader(io.BytesIO(build_packet(rf).pdf))
    total = len(reader.pages)
    assert total >= 4
    for number in range(1, total + 1):
        assert f"Page {number} of {total}" in text(reader, number), number


def test_the_cover_sheet_and_its_notes_parse_to_the_html5_tree(history, monkeypatch):
    # checklists.pdf.fast_html reads the markup with expat: the tree must be tinyhtml5's.
    printed, parse = [], fast_html.parse
    monkeypatch.setattr(fast_html, "parse", lambda markup: printed.append(markup) or parse(markup))
    build_packet(history[0])
    monkeypatch.undo()
    assert len(printed) >= 2
    assert [fast_tree(markup) == html5_tree(markup) for markup in printed] == [True] * len(printed)
