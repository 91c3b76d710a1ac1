"""The note whose canonical JSON is checked into tests/checklists/golden/.

Written out by hand, so the golden bytes depend on the canonical format and on nothing else
(not on the shipped catalog, which changes): a small fixed catalog snapshot, answers that
exercise every branch of the format (a value with its unit, a not-applicable answer, an
element retired by a condition, an unanswered one, a multiple choice, a number, non-ASCII
text with quotes), the conftest's patient and clinician, a fixed signing time. The same
note is built as plain objects (test_canonical.py) and through the real services
(test_signing.py, test_pdf_note.py); only its id differs, and GOLDEN_ID marks it.
"""

import datetime
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
FORMAT_1 = GOLDEN / "note-format-1.json"
FORMAT_1_SHA256 = GOLDEN / "note-format-1.json.sha256"
FORMAT_2 = GOLDEN / "note-format-2.json"
FORMAT_2_SHA256 = GOLDEN / "note-format-2.json.sha256"
GOLDEN_ID = 4242

CATALOG_VERSION = "2026.1-golden"
DATE_OF_SERVICE = datetime.date(2026, 11, 2)
PLACE_OF_SERVICE = "22"
LINES = [{"code": "64681", "units": 1, "modifiers": [], "side": "", "site": ""}]
# Format 2 signs each line's technique; two lines, so a line's order and units show.
LINES_FORMAT_2 = [
    {
        "code": "64632",
        "units": 1,
        "modifiers": ["LT"],
        "side": "left",
        "site": "web space 3",
        "technique": "chemical",
    },
    {
        "code": "64681",
        "units": 2,
        "modifiers": [],
        "side": "",
        "site": "",
        "technique": "chemical",
    },
]
# 10:04:05 in New York is 15:04:05 UTC: the signed time is always written in UTC.
SIGNED_AT = datetime.datetime(
    2026, 11, 2, 10, 4, 5, tzinfo=datetime.timezone(-datetime.timedelta(hours=5))
)
ATTESTATION = (
    "I personally performed or directly supervised this procedure. This note is accurate "
    "and complete to the best of my knowledge, and I sign it electronically."
)


def _element(key, label, section, requirement, input_type="text", **more):
    return {
        "key": key,
        "label": label,
        "section": section,
        "requirement": requirement,
        "input_type": input_type,
        "choices": more.pop("choices", []),
        "unit": more.pop("unit", ""),
        "allow_na": more.pop("allow_na", False),
        **more,
    }


ELEMENTS = [
    _element("informed_consent", "Informed consent", "pre", "required", "yes_no"),
    _element(
        "technique",
        "Technique",
        "procedure",
        "required",
        "choice",
        choices=[["chemical", "Chemical"], ["thermal_rf", "Thermal RF"]],
    ),
    _element(
        "agent_volume",
        "Volume injected",
        "procedure",
        "required",
        "number",
        unit="mL",
        condition={"element": "technique", "in": ["chemical"]},
    ),
    _element(
        "rf_temperature",
        "Lesion temperature",
        "procedure",
        "required",
        "number",
        unit="°C",
        condition={"element": "technique", "in": ["thermal_rf"]},
    ),
    _element(
        "contrast_volume",
        "Contrast volume",
        "procedure",
        "required",
        "number",
        unit="mL",
        allow_na=True,
    ),
    _element("sedation", "Sedation", "procedure", "recommended"),
    _element(
        "guidance",
        "Guidance used",
        "procedure",
        "required",
        "multi_choice",
        choices=[["fluoroscopy", "Fluoroscopy"], ["ultrasound", "Ultrasound"]],
    ),
    _element("complications", "Complications", "post", "required", allow_na=True),
    _element("pain_after", "Pain after (0-10)", "post", "recommended", "pain_score"),
    _element("remarks", "Remarks", "post", "information", allow_na=True),
]

ANSWERS = {
    "informed_consent": {"value": "yes"},
    "technique": {"value": "chemical"},
    "agent_volume": {"value": "8"},
    # Retired: the technique is chemical. Not signed, whatever it says.
    "rf_temperature": {"value": "85"},
    "contrast_volume": {"value": "", "na_reason": "Iodinated contrast allergy"},
    # A reason where the catalog allows none documents nothing.
    "sedation": {"value": "", "na_reason": "not needed"},
    "guidance": {"value": ["fluoroscopy", "ultrasound"]},
    "complications": {"value": 'None; patient "comfortable", no ödema'},
    "pain_after": {"value": 2},
    "remarks": {"value": "  ", "na_reason": ""},
}


def definitions() -> dict:
    return {"catalog_version": CATALOG_VERSION, "elements": ELEMENTS}


def expected_bytes(note_id: int = GOLDEN_ID) -> bytes:
    """The golden canonical JSON, for a note stored under another id."""
    golden = FORMAT_1.read_bytes()
    marker = f'"note_id":{GOLDEN_ID},'.encode()
    assert golden.count(marker) == 1
    return golden.replace(marker, f'"note_id":{note_id},'.encode())


def make_golden_note(clinician, patient, monkeypatch, *, sign=True):
    """The golden note through the real services: the shipped catalog's code facts with the
    fixed elements above, signed (as `clinician`, whose password is the conftest's) at
    SIGNED_AT."""
    from checklists import canonical, services

    # Signed as notes were before format 2 (issue 17): format 1 notes keep verifying.
    monkeypatch.setattr(canonical, "FORMAT", canonical.FORMAT_1)
    shipped = services.build_definitions
    monkeypatch.setattr(
        services,
        "build_definitions",
        lambda *args, **kwargs: shipped(*args, **kwargs) | definitions(),
    )
    monkeypatch.setattr(services.timezone, "now", lambda: SIGNED_AT.astimezone(datetime.UTC))
    note = services.create_note(
        clinician=clinician,
        patient=patient,
        date_of_service=DATE_OF_SERVICE,
        place_of_service=PLACE_OF_SERVICE,
        lines=LINES,
    )
    note = services.save_note(note, version=note.version, answers=ANSWERS, actor=clinician)
    return services.sign_note(note, user=clinician, version=note.version) if sign else note
