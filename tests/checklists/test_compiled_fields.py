"""The note form's compiled fields write exactly what field_markup writes live, and what
they keep is keyed so that a changed catalog or choice list is never served stale."""

import copy

import pytest
from django.urls import reverse

from checklists import compiled_fields, services
from checklists.compiled_fields import code_line_widget, element_field_group
from checklists.element_form import NA_SUFFIX, ElementForm
from checklists.field_markup import field_group, widget_html
from checklists.forms import CodeLineFormSet
from checklists.models import Note
from checklists.snapshot import build_definitions
from procedures.models import ProcedureCode
from review import queries
from tests.notes import complete_answers, make_note


@pytest.fixture(autouse=True)
def _nothing_kept():
    compiled_fields.forget_all()
    yield
    compiled_fields.forget_all()


@pytest.fixture
def every_element(catalog):
    codes = list(ProcedureCode.objects.values_list("code", flat=True))
    return Note(definitions=build_definitions(codes), answers={})


def assert_compiled_as_live(note):
    form = ElementForm(note=note)
    for element in form.elements:
        na = [element["key"] + NA_SUFFIX] if element.get("allow_na") else []
        for name in [element["key"], *na]:
            assert element_field_group(element, form[name]) == field_group(form[name]), name


def test_every_element_is_compiled_and_writes_what_field_group_writes(every_element):
    assert_compiled_as_live(every_element)  # empty: compiles every field
    assert None not in compiled_fields._kept.values()
    assert len(compiled_fields._kept) == sum(
        2 if e.get("allow_na") else 1 for e in every_element.definitions["elements"]
    )
    for technique in ("chemical", "thermal_rf", "chemodenervation"):
        answers = complete_answers(every_element.definitions, technique)
        for key, answer in list(answers.items())[::3]:
            if isinstance(answer["value"], str) and not answer["value"][:1].isdigit():
                answers[key] = {"value": 'Left L4 "medial" <branch> & more'}
        for element in every_element.definitions["elements"][::4]:
            if element.get("allow_na") and element["key"] not in answers:
                answers[element["key"]] = {"na_reason": "Patient declined <refused>"}
        every_element.answers = answers
        assert_compiled_as_live(every_element)


def test_each_option_and_every_option_at_once_is_chosen_as_live(every_element):
    choosing = [e for e in every_element.definitions["elements"] if e.get("choices")]
    assert {e["input_type"] for e in choosing} >= {"choice", "multi_choice"}
    assert any(len(e["choices"]) > 5 for e in choosing)  # a select, not radio buttons
    for element in choosing:
        values = [value for value, _ in element["choices"]]
        picks = [[value] for value in values]
        if element["input_type"] == "multi_choice":
            picks += [values, values[::2], ["not an option"]]
        for pick in picks:
            value = pick if element["input_type"] == "multi_choice" else pick[0]
            every_element.answers = {element["key"]: {"value": value}}
            form = ElementForm(note=every_element)
            field = form[element["key"]]
            assert element_field_group(element, field) == field_group(field), (element, pick)


def test_a_changed_element_is_written_anew_never_from_the_kept_markup(every_element):
    """A new catalog version or payer rule pack changes an element's label, choices or
    help under the same key: the page shows the new ones."""
    element = next(e for e in every_element.definitions["elements"] if e["input_type"] == "choice")
    form = ElementForm(note=every_element)
    before = element_field_group(element, form[element["key"]])

    changed = copy.deepcopy(every_element.definitions)
    target = next(e for e in changed["elements"] if e["key"] == element["key"])
    target["label"] = "Renamed by the new catalog"
    target["choices"] = [*target["choices"], ["added", "Added by the payer pack"]]
    target["help"] = "The payer pack asks for the second block's date."
    note = Note(definitions=changed, answers={element["key"]: {"value": "added"}})
    form = ElementForm(note=note)
    after = element_field_group(target, form[element["key"]])

    assert after == field_group(form[element["key"]])
    assert "Renamed by the new catalog" in after and "Renamed" not in before
    assert 'value="added" id="id_' in after and "checked" in after.split('value="added"')[1]
    assert "the second block&#x27;s date." in after and "second block&#x27;s" not in before


def test_a_form_with_errors_is_written_live(every_element):
    element = next(e for e in every_element.definitions["elements"] if e["input_type"] == "number")
    form = ElementForm({element["key"]: "abc"}, note=every_element)
    assert not form.is_valid()
    html = element_field_group(element, form[element["key"]])
    assert html == field_group(form[element["key"]])
    assert "enter a number" in html and 'value="abc"' in html
    assert not compiled_fields._kept


def test_code_lines_are_compiled_by_their_choices(catalog):
    codes = list(ProcedureCode.objects.active().order_by("code"))
    initial = [
        {"code": codes[0].code, "units": 2, "side": "left", "modifiers": "LT", "site": 'L4 "x"'},
        {"code": codes[1].code, "units": 1, "technique": "thermal_rf"},
        {"units": 1},
    ]
    formset = CodeLineFormSet(prefix="lines", initial=initial, codes=codes)
    for form in [*formset.forms, formset.empty_form]:
        for name in form.fields:
            assert code_line_widget(form[name]) == widget_html(form[name]), name
    assert None not in compiled_fields._kept.values()

    # A code made active since: the empty line offers it, from other kept markup.
    fewer = CodeLineFormSet(prefix="lines", codes=codes[1:]).empty_form
    assert f'value="{codes[0].code}"' not in code_line_widget(fewer["code"])
    more = CodeLineFormSet(prefix="lines", codes=codes).empty_form
    assert f'value="{codes[0].code}"' in code_line_widget(more["code"])


def test_two_clinicians_notes_on_one_snapshot_each_show_their_own_values(
    client, clinician, other_clinician, patient, manager
):
    mine = make_note(clinician, patient, "64643")
    theirs = make_note(other_clinician, patient, "64643")
    assert mine.snapshot_id == theirs.snapshot_id
    key = next(e["key"] for e in mine.definitions["elements"] if e["input_type"] == "text")
    for note, value, who in ((mine, "L4", clinician), (theirs, "L5-S1", other_clinician)):
        services.save_note(note, version=note.version, answers={key: {"value": value}}, actor=who)
    queries.open_query(note=theirs, manager=manager, message="Which <level> exactly?")

    client.force_login(clinician)
    page = client.get(reverse("checklists:note-edit", args=[mine.pk])).content.decode()
    assert 'value="L4"' in page and "L5-S1" not in page
    assert "Which &lt;level&gt; exactly?" not in page
    client.force_login(other_clinician)
    page = client.get(reverse("checklists:note-edit", args=[theirs.pk])).content.decode()
    assert 'value="L5-S1"' in page and 'value="L4"' not in page
    assert "Which &lt;level&gt; exactly?" in page  # the open query, read as before
    client.force_login(clinician)
    assert client.get(reverse("checklists:note-edit", args=[theirs.pk])).status_code == 403


def test_a_forms_fields_are_its_own(every_element):
    """The fields are copied from ones built once per element: changing one form's field
    changes no other form's."""
    element = next(e for e in every_element.definitions["elements"] if e["input_type"] == "choice")
    first, second = ElementForm(note=every_element), ElementForm(note=every_element)
    field = first.fields[element["key"]]
    field.widget.attrs["data-x"] = "1"
    field.choices = [("only", "Only")]
    field.error_messages["required"] = "changed"
    field.validators.append(lambda value: None)
    other = second.fields[element["key"]]
    assert "data-x" not in other.widget.attrs
    assert [value for value, _ in other.choices] == [value for value, _ in element["choices"]]
    assert [value for value, _ in other.widget.choices] == [v for v, _ in element["choices"]]
    assert other.error_messages["required"] != "changed" and not other.validators
    third = ElementForm(note=every_element).fields[element["key"]]
    assert "data-x" not in third.widget.attrs and not third.validators
