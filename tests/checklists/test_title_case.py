"""Code titles and labels inside a sentence: lower-case start, but names keep their capitals."""

from types import SimpleNamespace

import pytest

from checklists.narrative import lower_first
from checklists.pdf.note_context import document_title


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Fluoroscopy", "fluoroscopy"),
        ("Superior hypogastric plexus neurolysis", "superior hypogastric plexus neurolysis"),
        ("CT", "CT"),
        ("RF ablation", "RF ablation"),
        ("OnabotulinumtoxinA", "onabotulinumtoxinA"),
        ("Morton's neuroma neurolysis", "Morton's neuroma neurolysis"),
        ("Morton\u2019s neuroma", "Morton\u2019s neuroma"),
        ("Patients' own words", "patients' own words"),
        ("x", "x"),
        ("", ""),
    ],
)
def test_lower_first(text, expected):
    assert lower_first(text) == expected


def test_the_pdf_title_keeps_an_eponym_capitalised():
    title = "Morton's neuroma neurolysis (common digital nerve of the foot)"
    assert document_title(SimpleNamespace(title=title)) == (
        "Procedure note: Morton's neuroma neurolysis (common digital nerve of the foot)"
    )
    celiac = SimpleNamespace(title="Celiac plexus neurolysis")
    assert document_title(celiac) == "Procedure note: celiac plexus neurolysis"
