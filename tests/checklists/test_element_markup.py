"""The note form's element blocks and code lines, written in Python: the exact markup."""

from django import forms

from checklists.element_markup import code_line_html, element_html
from checklists.field_markup import field_group
from checklists.forms import CodeLineForm
from checklists.plausibility import PlausibilityWarning

ELEMENT = {
    "key": "agent_volume",
    "label": "Volume",
    "requirement": "required",
    "condition": {"element": "technique", "in": ["chemical", "a&b"]},
    "na_reasons": ["Not injected", 'Said "no"'],
}


class _Form(forms.Form):
    agent_volume = forms.CharField(required=False, label="Volume")
    agent_volume__na = forms.CharField(required=False, label="Volume: not done, because")


def test_an_element_block_with_its_copy_note_warning_and_na_box():
    form = _Form(initial={"agent_volume": "2", "agent_volume__na": ""})
    warning = PlausibilityWarning("agent_volume", "2 ml is <small>")
    html = element_html(
        ELEMENT,
        form["agent_volume"],
        form["agent_volume__na"],
        "from the note of 10/01/2026 <Smith>",
        [warning],
    )
    assert html == (
        '<div id="el-agent_volume" class="element element-required is-copied" '
        'data-when-element="technique" data-when-in="chemical|a&amp;b">\n'
        '<p class="copied-source small mb-1"><span class="badge copied-badge">copied</span> '
        "from the note of 10/01/2026 &lt;Smith&gt;</p>\n"
        f"{field_group(form['agent_volume'])}\n"
        '<div class="plausibility-warning alert alert-warning py-1 px-2 small mb-2" '
        'id="warning-agent_volume-1" role="note"><strong>Check:</strong> 2 ml is '
        "&lt;small&gt;</div>\n"
        '<details class="na-details mb-3">\n'
        '<summary class="small text-body-secondary">Not applicable or not done?</summary>\n'
        f"{field_group(form['agent_volume__na'])}\n"
        '<datalist id="na-reasons-agent_volume"><option value="Not injected"></option>'
        '<option value="Said &quot;no&quot;"></option></datalist>\n'
        "</details>\n"
        "</div>\n"
    )


def test_a_plain_element_has_no_copy_note_and_a_given_reason_opens_the_na_box():
    element = {**ELEMENT, "requirement": "recommended", "condition": None}
    form = _Form(initial={"agent_volume__na": "Not injected"})
    html = element_html(element, form["agent_volume"], form["agent_volume__na"], "")
    assert html.startswith(
        '<div id="el-agent_volume" class="element element-recommended">\n<div id="div_'
    )
    assert "copied" not in html and "plausibility-warning" not in html
    assert '<details class="na-details mb-3" open>' in html
    assert element_html(element, form["agent_volume"], None, "").count("<details") == 0


def test_a_code_line_names_its_number_labels_each_field_and_shows_errors():
    form = CodeLineForm(
        {"lines-1-code": "64633", "lines-1-units": "0"},
        prefix="lines-1",
        choices=[("", "—"), ("64633", "64633 · Facet RF")],
        techniques={"64633": ["thermal_rf"]},
    )
    assert not form.is_valid()
    html = code_line_html(form, 2)
    assert html.startswith(
        '<fieldset class="code-line row g-2 align-items-start mb-2">\n'
        '  <legend class="visually-hidden">Code line 2</legend>\n'
        '  <div class="col-md-5 col-12"><label class="form-label small mb-0" '
        'for="id_lines-1-code">Code</label><select name="lines-1-code"'
    )
    assert '<option value="64633" selected>64633 · Facet RF</option>' in html
    assert (
        '<label class="form-label small mb-0" for="id_lines-1-units">Units</label>'
        '<input type="number" name="lines-1-units" value="0"'
    ) in html
    assert '<div class="invalid-feedback d-block">Units must be at least 1.</div>' in html
    assert html.endswith("</fieldset>\n")
    assert "Code line </legend>" in code_line_html(form)
