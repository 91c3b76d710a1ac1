"""The note form's fields are written in Python with exactly crispy-bootstrap5's markup."""

from html.parser import HTMLParser

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.utils.html import escape

from checklists.element_form import ElementForm
from checklists.field_markup import field_group, widget_html
from checklists.forms import CodeLineFormSet, NoteHeaderForm
from checklists.models import Note
from checklists.snapshot import build_definitions
from practice.models import Patient
from procedures.models import ProcedureCode
from tests.notes import complete_answers


class _Tokens(HTMLParser):
    """Tags with their attributes in order, and text with whitespace collapsed."""

    def __init__(self, html):
        super().__init__(convert_charrefs=False)
        self.tokens = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, attrs))

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.tokens.append(("text", " ".join(data.split())))

    def handle_entityref(self, name):
        self.tokens.append(("entity", name))

    def handle_charref(self, name):
        self.tokens.append(("char", name))


def assert_same_markup(make_form):
    # Two forms, because crispy writes its CSS classes onto the widgets it renders.
    ours, theirs = make_form(), make_form()
    assert list(ours.fields) == list(theirs.fields)
    # Crispy inserts help text as markup; ours escapes it (catalog text is plain text).
    for name in theirs.fields:
        if theirs[name].help_text:
            theirs[name].help_text = escape(theirs[name].help_text)
    for name in ours.fields:
        assert _Tokens(field_group(ours[name])).tokens == (
            _Tokens(as_crispy_field(theirs[name])).tokens
        ), name


@pytest.fixture
def every_element(catalog):
    """A note asking every element of the catalog."""
    codes = list(ProcedureCode.objects.values_list("code", flat=True))
    return Note(definitions=build_definitions(codes), answers={})


def test_empty_fields_read_as_crispy_writes_them(every_element):
    assert_same_markup(lambda: ElementForm(note=every_element))


def test_filled_fields_read_as_crispy_writes_them(every_element):
    for technique in ("chemical", "thermal_rf", "chemodenervation"):
        answers = complete_answers(every_element.definitions, technique)
        for key, answer in list(answers.items())[::3]:
            if isinstance(answer["value"], str) and not answer["value"][:1].isdigit():
                answers[key] = {"value": 'Left L4 "medial" <branch> & more'}
        every_element.answers = answers
        assert_same_markup(lambda: ElementForm(note=every_element))


def test_fields_with_errors_read_as_crispy_writes_them(every_element):
    data = {}
    for element in every_element.definitions["elements"]:
        key = element["key"]
        data[key] = {"number": "abc", "percent": "1e9", "date": "no", "datetime": "32"}.get(
            element["input_type"], "not-a-choice <x>"
        )
        if element.get("allow_na"):
            data[key + "__na"] = "x" * 301

    def bound():
        form = ElementForm(data, note=every_element)
        form.is_valid()
        return form

    assert any(bound().errors.values())
    assert_same_markup(bound)


def test_the_note_header_reads_as_crispy_writes_it(db):
    assert_same_markup(lambda: NoteHeaderForm(prefix="header"))
    assert_same_markup(
        lambda: NoteHeaderForm({"header-date_of_service": "2999-01-01"}, prefix="header")
    )


def test_the_note_header_lists_patients_as_crispy_does(patient):
    Patient.objects.create(
        first_name="O'Brien & <Co>", last_name="Testpatient", date_of_birth=patient.date_of_birth
    )
    assert_same_markup(lambda: NoteHeaderForm(prefix="header", initial={"patient": patient.pk}))


def test_code_line_widgets_read_as_django_writes_them(catalog):
    def formsets():
        filled = {"code": "64640", "units": 2, "side": "left", "modifiers": "LT", "site": "a&b"}
        yield CodeLineFormSet(prefix="lines", initial=[filled, {"units": 1}])
        yield CodeLineFormSet(
            {
                "lines-TOTAL_FORMS": "2",
                "lines-INITIAL_FORMS": "0",
                "lines-0-code": "99999",
                "lines-0-units": "0",
                "lines-0-modifiers": "XYZ",
                "lines-1-code": "64681",
                "lines-1-units": "1",
                "lines-1-site": '"quoted" <site>',
            },
            prefix="lines",
        )

    for ours, theirs in zip(formsets(), formsets(), strict=True):
        for form_ours, form_theirs in zip(ours, theirs, strict=True):
            for name in form_ours.fields:
                assert _Tokens(widget_html(form_ours[name])).tokens == (
                    _Tokens(form_theirs[name].as_widget()).tokens
                ), name
