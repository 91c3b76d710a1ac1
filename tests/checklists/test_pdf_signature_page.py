"""The signature block is never alone on the last page of a note PDF."""

import pytest

from checklists import services
from checklists.pdf.render import render_note_pdf
from tests.checklists.test_pdf_note import MARGINS, long_note, page_texts, refetch
from tests.notes import sign


@pytest.mark.parametrize("repeats", [20, 25, 30])
def test_the_signature_takes_the_end_of_the_record_along(catalog, clinician, patient, repeats):
    # Sizes around the one where the signature used to start the last page by itself.
    note = long_note(clinician, patient, paragraphs=1)
    answers = dict(note.answers) | {"follow_up_plan": {"value": "Follow-up text. " * repeats}}
    note = services.save_note(note, version=note.version, answers=answers, actor=clinician)
    pages = page_texts(render_note_pdf(refetch(sign(refetch(note), clinician))))
    signature_page = next(
        MARGINS.sub("", p).strip() for p in pages if "Signature I personally" in p
    )
    assert not signature_page.startswith("Signature")
    assert "Follow-up plan (when, with whom, what will be measured)" in signature_page
