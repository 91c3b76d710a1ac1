"""Hypothesis throws hostile input at the note form and the catalog loader."""

import json
import tomllib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklists.element_form import ElementForm
from procedures.catalog_file import CatalogError, parse_catalog
from tests.notes import make_note
from tests.procedures.test_load_catalog import MINI

HOSTILE = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=400, max_size=6000),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '<img src="http://evil.example/x.png">',
            "\x00\x01\x1b[31m",
            "-1",
            "1e309",
            "NaN",
            "99999999999999999999",
            "0.00001",
            '=HYPERLINK("http://x")',
            "１２",
            "",
        ]
    ),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_the_note_form_never_crashes_and_stores_only_clean_json(clinician, patient, data):
    note = make_note(clinician, patient, "64640")
    keys = [e["key"] for e in note.definitions["elements"]]
    chosen = data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=8, unique=True))
    posted = {key: data.draw(HOSTILE) for key in chosen}
    form = ElementForm(posted, note=note)
    form.is_valid()
    answers = form.answers(previous={})
    json.dumps(answers)  # storable
    by_key = {e["key"]: e for e in note.definitions["elements"]}
    for key, answer in answers.items():
        element = by_key[key]
        value = answer.get("value")
        if element["input_type"] in ("number", "percent") and value is not None:
            assert float(element["min"]) <= float(value) <= float(element["max"])
        if element["input_type"] == "pain_score":
            assert 0 <= value <= 10
        if isinstance(value, str):
            assert "\x00" not in value
    for key in set(chosen) - set(answers):
        # A value that was typed but not stored is always explained next to its field.
        if str(posted[key]).strip():
            assert key in form.errors, (key, posted[key])


@settings(max_examples=80, deadline=None)
@given(
    position=st.integers(min_value=0, max_value=len(MINI.read_text()) - 1),
    junk=st.text(min_size=1, max_size=12),
    cut=st.booleans(),
)
def test_the_catalog_loader_refuses_a_mangled_file_with_a_catalog_error_or_reads_it_whole(
    tmp_path_factory, position, junk, cut
):
    text = MINI.read_text()
    mangled = (
        text[:position] + ("" if cut else junk) + text[position + (len(junk) if cut else 0) :]
    )
    path = tmp_path_factory.mktemp("fuzz") / "catalog.toml"
    path.write_text(mangled)
    try:
        document = tomllib.loads(mangled)
    except tomllib.TOMLDecodeError:
        document = None
    try:
        catalog = parse_catalog(path)
    except CatalogError as error:
        assert str(path) in str(error)
        return
    # Accepted (the junk landed in a text or a comment): then it is still TOML, and the
    # catalog read is that file's, not a half-read one.
    assert document is not None, "a file that is not TOML was accepted"
    assert catalog.version == document["catalog"]["version"]
    assert [c["code"] for c in catalog.codes] == [c["code"] for c in document["codes"]]
