"""NLM LHC-Forms (npm `lforms`, installed by scripts/test) renders a Questionnaire read from
our FHIR API in Debian's chromium; a required element answered "not applicable" with a
reason no longer blocks the form, and the QuestionnaireResponse LHC-Forms writes imports
back into note answers with nothing lost."""

import json
import mimetypes
from pathlib import Path

import pytest

from checklists.snapshot import build_definitions
from interop.models import AccessToken
from interop.response_import import response_answers
from tests.interop.fhir_schema import assert_valid

from .conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

LFORMS = Path(__file__).resolve().parents[1] / "fhir_js" / "node_modules" / "lforms" / "dist"
ORIGIN = "http://lforms.test"  # served from the npm package by Playwright, no network
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/lforms/webcomponent/styles.css">
<script src="/lforms/webcomponent/assets/lib/zone.min.js"></script>
<script src="/lforms/webcomponent/runtime.js" type="module"></script>
<script src="/lforms/webcomponent/polyfills.js" type="module"></script>
<script src="/lforms/webcomponent/main.js" type="module"></script>
<script src="/fhir/R4/lformsFHIR.js" defer></script>
</head><body><div id="form"></div></body></html>"""
REASON = "Contrast allergy (documented anaphylaxis)"


def _serve_lforms(route):
    path = route.request.url.removeprefix(ORIGIN)
    if path == "/":
        return route.fulfill(body=PAGE, content_type="text/html")
    file = LFORMS / path.lstrip("/")
    if not file.is_file():
        return route.fulfill(status=404, body="")
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return route.fulfill(body=file.read_bytes(), content_type=kind)


def test_lforms_answers_not_applicable_and_the_response_imports_back(
    browser, live_server, e2e_world, settings
):
    if not LFORMS.is_dir():
        pytest.fail("npm lforms is missing: ./scripts/test installs it (tests/fhir_js)")
    settings.FHIR_BASE_URL = f"{live_server.url}/fhir"
    _, token = AccessToken.issue(e2e_world["casey"], label="e2e")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        fetched = page.request.get(
            f"{live_server.url}/fhir/Questionnaire/64681",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert fetched.ok
        questionnaire = fetched.json()

        page.route(f"{ORIGIN}/**", _serve_lforms)
        page.goto(f"{ORIGIN}/")
        # main.js (a module) defines LForms.Util; the R4 support script loads after it.
        page.wait_for_function("!!(window.LForms && LForms.Util && LForms.FHIR && LForms.FHIR.R4)")
        # The diagnosis item names the ICD-10-CM value set, which LHC-Forms can only expand
        # from a terminology server (none here, no network): that is the one error allowed.
        failures = page.evaluate(
            "async q => { try { await LForms.Util.addFormToPage(q, 'form'); return [] }"
            " catch (e) { return (Array.isArray(e) ? e : [e])"
            ".map(x => String(x.message || x)) } }",
            questionnaire,
        )
        assert all(
            f.startswith("Unable to load ValueSet http://hl7.org/fhir/sid/icd-10-cm")
            for f in failures
        ), failures
        page.wait_for_selector("[id='imaging_modality/1/1']")

        def choose(input_id, typed):
            box = page.locator(f"[id='{input_id}']")
            box.click()
            box.fill(typed)
            page.keyboard.press("ArrowDown")
            page.keyboard.press("Enter")
            page.keyboard.press("Tab")

        def problems():
            return page.evaluate("LForms.Util.checkValidity(document.getElementById('form'))")

        choose("imaging_modality/1/1", "Fluoro")
        choose("technique/1/1", "Chemical")
        page.locator("[id='pain_score_pre/1/1']").fill("7")
        page.wait_for_selector("[id='contrast_agent.na/1/1/1']")
        assert "Contrast agent requires a value" in problems()

        reason = page.locator("[id='contrast_agent.na/1/1/1']")
        reason.click()
        reason.fill(REASON)
        page.keyboard.press("Tab")
        page.wait_for_timeout(300)
        assert not [p for p in problems() if p.startswith("Contrast agent ")]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "lforms-64681-not-applicable.png", full_page=True)

        response = page.evaluate(
            "LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', "
            "document.getElementById('form'))"
        )
    finally:
        context.close()

    (ARTIFACTS / "lforms-64681-response.json").write_text(json.dumps(response, indent=2))
    assert_valid([response])
    assert (
        response["questionnaire"]
        == f"{settings.FHIR_BASE_URL}/Questionnaire/64681|" + (questionnaire["version"])
    )
    answers = response_answers(response, build_definitions(["64681"]))
    assert answers == {
        "imaging_modality": {"value": "fluoroscopy"},
        "technique": {"value": "chemical"},
        "pain_score_pre": {"value": 7},
        "contrast_agent": {"na_reason": REASON},
    }
