"""How much a clinician does to document a procedure (not a test).

    .venv/bin/python benchmarks/documentation_effort.py                 # every case
    .venv/bin/python benchmarks/documentation_effort.py --smoke         # one case, quick
    .venv/bin/python benchmarks/documentation_effort.py --screenshots docs/screenshots

Drives Debian's chromium (Playwright) like a clinician, from "New note" on the notes list to a
signed note, on a scratch SQLite database seeded with synthetic patients and, for the repeat
case, their earlier signed notes. Per case it prints the actions (clicks, selections, typed
fields), the Tab stops from the first field of each form to its submit button ("Start
note", "Save and sign…"), and a floor measured in the same run: the fewest actions any UI
could need, one per required element the clinician still had to answer when the checklist
opened, plus the fixed steps (New note, patient, start, password, Sign; for the repeat,
which starts from "Repeat" on the patient's last note in the notes list: Repeat, Confirm
all copied values, password, Sign). The note is signed from the note page (the password box
in the panel, which saves the draft first); the Tab stops are still counted to "Save and
sign…", the button that leads to the sign page.

Only required elements are answered, with the first plausible choice: the benchmark measures
the path to a signable note, not a model note. Nothing is answered for the clinician that the
app defaulted; the copied and prefilled values are confirmed, once for all, as the app
requires.
"""

import argparse
import datetime
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "bench-clinician-pass"
GOALS = {"repeat": 12, "first 64681": 30, "tab_stops": 50}
TODAY = datetime.date.today()  # the app's local date once Django is set up (run())


def _env(db_path: Path) -> dict:
    return os.environ | {
        "DATABASE_URL": f"sqlite:///{db_path}",
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    }


# --- Synthetic data -------------------------------------------------------------------------


def _answer_for(element, prefer=None):
    """A plausible answer for a signed history note (history only: never on the page)."""
    kind = element["input_type"]
    choices = [pair[0] for pair in element.get("choices") or []]
    if element["key"] in (prefer or {}):
        return prefer[element["key"]]
    if kind == "choice":
        return choices[0]
    if kind == "multi_choice":
        return choices[:1]
    if kind == "yes_no":
        return "yes"
    if kind in ("number", "percent"):
        low, high = float(element.get("min") or 0), float(element.get("max") or 100)
        return str(int(low + (high - low) / 2))
    if kind == "pain_score":
        return 3
    if kind == "date":
        return (TODAY - datetime.timedelta(days=240)).isoformat()
    return f"Synthetic history text for {element['label'].lower()}."


def _signed_history_note(clinician, patient, lines, days_ago, prefer=None):
    from checklists import services
    from checklists.completeness import applies

    note = services.create_note(
        clinician=clinician,
        patient=patient,
        date_of_service=TODAY - datetime.timedelta(days=days_ago),
        place_of_service="22",
        lines=lines,
    )
    answers = dict(note.answers)
    for key, value in (prefer or {}).items():
        answers[key] = {"value": value}
    for _ in range(3):
        for element in note.definitions["elements"]:
            if element["key"] not in answers and applies(element, answers):
                answers[element["key"]] = {"value": _answer_for(element, prefer)}
    note = services.save_note(note, version=note.version, answers=answers, actor=clinician)
    return services.sign_note(note, user=clinician, version=note.version)


def seed():
    from django.contrib.auth.models import Group, User

    from practice.models import Patient, Practice
    from practice.roles import CLINICIAN

    Practice.objects.create(
        name="Benchmark Pain Clinic (synthetic)", default_place_of_service="22"
    )
    user = User.objects.create_user(
        "bench.clinician", "bench@example.test", PASSWORD, first_name="Bench", last_name="Doc"
    )
    user.groups.add(Group.objects.get(name=CLINICIAN))
    patients = {}
    for index, key in enumerate(("first64681", "first64633", "repeat64635", "m64632", "c64642")):
        patients[key] = Patient.objects.create(
            first_name=f"Bench{index}",
            last_name="Testpatient",
            date_of_birth=datetime.date(1950 + index, 1, 1),
            mrn=f"BENCH-{index:04d}",
        )
    lumbar = [
        {"code": "64635", "units": 1, "modifiers": ["RT"], "side": "right", "site": "L4-L5"},
        {"code": "64636", "units": 1, "modifiers": ["RT"], "side": "right", "site": "L5-S1"},
    ]
    rf = [dict(line, technique="thermal_rf") for line in lumbar]
    block = [
        {"code": "64493", "units": 1, "modifiers": ["RT"], "side": "right", "site": "L4-L5"},
        {"code": "64494", "units": 1, "modifiers": ["RT"], "side": "right", "site": "L5-S1"},
    ]
    repeat = patients["repeat64635"]
    _signed_history_note(
        user, repeat, block, 420, {"block_relief_percent": "90", "procedure_side": "right"}
    )
    _signed_history_note(
        user, repeat, block, 400, {"block_relief_percent": "85", "procedure_side": "right"}
    )
    _signed_history_note(
        user,
        repeat,
        rf,
        240,
        {
            "procedure_side": "right",
            "technique": "thermal_rf",
            "pain_duration_months": "18",
            "diagnosis": [
                {
                    "code": "M47.816",
                    "description": "Spondylosis without myelopathy or radiculopathy, "
                    "lumbar region",
                }
            ],
            "indication": "Axial right low back pain for 3 years, worse on extension and "
            "standing, no radicular features; limits walking to 15 minutes (synthetic).",
        },
    )
    morton = [{"code": "64632", "units": 1, "modifiers": ["LT"], "side": "left", "site": "3rd"}]
    _signed_history_note(user, patients["m64632"], morton, 40, {"procedure_side": "left"})
    return patients


# --- The clinician in the browser ------------------------------------------------------------


class Clinician:
    """A browser tab that counts what the clinician does."""

    def __init__(self, page, base):
        self.page = page
        self.base = base
        self.counts = {"clicks": 0, "selections": 0, "typed": 0}
        self.tab_stops = {}
        self.log = []  # (kind, selector): what --verbose prints
        self.stops = {}  # form -> what each Tab stop was: what --verbose prints

    def click(self, selector):
        self.counts["clicks"] += 1
        self.log.append(("click", selector))
        self.page.click(selector)

    def select(self, selector, **kwargs):
        self.counts["selections"] += 1
        self.log.append(("select", selector))
        self.page.select_option(selector, **kwargs)

    def type(self, selector, text):
        self.counts["typed"] += 1
        self.log.append(("type", selector))
        self.page.fill(selector, text)

    def check(self, selector):
        self.counts["clicks"] += 1
        self.log.append(("check", selector))
        self.page.check(selector)

    @property
    def actions(self):
        return sum(self.counts.values())

    def count_tab_stops(self, form, target, first):
        """Tab stops from the form's first field (`first`, counted) to `target`: what a
        keyboard user passes through after the page's skip link."""
        page = self.page
        page.focus(first)
        describe = (
            "() => { const e = document.activeElement; return e.tagName.toLowerCase()"
            " + (e.name ? ` ${e.name}` : '') + (e.value && e.type !== 'text' ?"
            " `=${e.value}` : '') + (e.id ? ` #${e.id}` : '') }"
        )
        self.stops[form] = [page.evaluate(describe)]
        for stops in range(2, 400):
            page.keyboard.press("Tab")
            self.stops[form].append(page.evaluate(describe))
            if page.evaluate(f"() => document.activeElement.matches({target!r})"):
                self.tab_stops[form] = stops
                return stops
        raise AssertionError(f"{target} never got the focus on {form}")

    def wait_saved(self):
        from playwright.sync_api import expect

        expect(self.page.locator("#save-status")).to_have_text(re.compile(r"^Saved"))


def missing_required(page):
    return page.eval_on_selector_all(
        "#missing-required a[data-focus]", "links => links.map(a => a.dataset.focus)"
    )


def answer(tab, key, prefer):
    """Answer one required element as a person would: one action per field."""
    page = tab.page
    wrapper = page.locator(f"#el-{key}")
    field = page.locator(f"[name='{key}']")
    kind = field.first.get_attribute("type") or field.first.evaluate("e => e.tagName")
    value = prefer.get(key)
    if kind in ("radio", "checkbox"):
        tab.check(f"[name='{key}'][value='{value}']" if value else f"[name='{key}'] >> nth=0")
    elif kind == "SELECT":
        if value:
            tab.select(f"[name='{key}']", value=value)
        else:
            tab.select(f"[name='{key}']", index=1)
    elif kind == "number":
        low = float(field.get_attribute("min") or 0)
        high = float(field.get_attribute("max") or 100)
        tab.type(f"[name='{key}']", value or str(int(low + (high - low) / 2)))
    elif kind == "date" or field.first.get_attribute("placeholder") == "mm/dd/yyyy":
        day = TODAY - datetime.timedelta(days=30)
        tab.type(f"[name='{key}']", value or f"{day:%m/%d/%Y}")
    else:
        label = wrapper.locator("label, legend").first.text_content().strip().lower()
        tab.type(f"[name='{key}']", value or f"Synthetic {label[:60]}.")


def start_new_note(tab, patient, codes=(), sides=None, sites=None, technique=None, modifiers=None):
    page = tab.page
    page.goto(tab.base + "/notes/")
    tab.click("text=New note")
    page.wait_for_url("**/notes/new/")
    tab.type("#patient-filter", patient.mrn)
    if not page.input_value("#id_header-place_of_service"):
        tab.select("#id_header-place_of_service", value="22")
    for index, code in enumerate(codes):
        tab.type("#code-search", code)
        tab.click(f"#code-results [data-code='{code}']")
        if technique and not page.input_value(f"#id_lines-{index}-technique"):
            tab.select(f"#id_lines-{index}-technique", value=technique)
        if sides:
            tab.select(f"#id_lines-{index}-side", value=sides[index])
        if modifiers:
            tab.type(f"#id_lines-{index}-modifiers", modifiers[index])
        if sites:
            tab.type(f"#id_lines-{index}-site", sites[index])


def fill_and_sign(tab, prefer):
    page = tab.page
    tab.count_tab_stops("edit", "button[name=sign]", ".visit-details > summary")
    floor = len(missing_required(page))
    if page.locator("#confirm-all").count():
        # The clinician has read the copied values (listed above the button) and confirms.
        tab.click("#confirm-all")  # confirmed in place, by the autosave
        page.wait_for_selector("#confirm-all", state="detached")
        # Confirmed copies stay read-only lines, on this page and on the page reloaded
        # (Note.carried): the reloaded page is counted too, and held to the same goal.
        page.reload()
        tab.count_tab_stops("reloaded", "button[name=sign]", ".visit-details > summary")
    answered = set()
    for _ in range(6):  # conditional elements appear as their parents are answered
        keys = [k for k in missing_required(page) if k not in answered]
        if not keys:
            break
        for key in keys:
            if page.locator(f"#el-{key}").is_visible():
                answer(tab, key, prefer)
                answered.add(key)  # once: a panel a save behind must not cost an action
        tab.wait_saved()
        page.wait_for_timeout(300)
    # Signed from the note page: the password box saves the draft first.
    tab.type("#sign-now-password", PASSWORD)
    tab.click("#sign-now-button")
    page.wait_for_url(re.compile(r".*/notes/\d+/(sign/)?(#.*)?$"))
    if "/sign/" in page.url:
        raise AssertionError("cannot sign: " + page.text_content("main"))
    assert page.is_visible("text=Electronically signed by")
    return floor


CASES = [
    {
        "name": "first 64681",
        "patient": "first64681",
        "codes": ["64681"],
        "prefer": {"informed_consent": "yes", "complications": "none", "diagnosis": "C56.9"},
    },
    {
        "name": "first 64633 + 64634",
        "patient": "first64633",
        "codes": ["64633", "64634"],
        "technique": "thermal_rf",
        "sides": ["bilateral", "bilateral"],
        "sites": ["C3-C4", "C4-C5"],
        "prefer": {
            "procedure_side": "bilateral",
            "complications": "none",
            "diagnosis": "M47.812",
        },
    },
    {
        "name": "repeat 64635 + 64636, copy-forward",
        "patient": "repeat64635",
        "copy_forward": True,
        "prefer": {"complications": "none", "procedure_side": "right"},
    },
    {
        "name": "64632",
        "patient": "m64632",
        "codes": ["64632"],
        "sides": ["left"],
        "sites": ["3rd"],
        "prefer": {"procedure_side": "left", "complications": "none", "diagnosis": "G57.62"},
    },
    {
        "name": "64642 + 64643",
        "patient": "c64642",
        "codes": ["64642", "64643"],
        "sites": ["Left upper extremity", "Left lower extremity"],
        "prefer": {"complications": "none", "diagnosis": "I69.351"},
    },
]


def run_case(browser, base, case, patients):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    tab = Clinician(page, base)
    page.goto(base + "/login/")
    page.fill("#id_username", "bench.clinician")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/notes/**")
    patient = patients[case["patient"]]
    if case.get("copy_forward"):
        # "Repeat" on the patient's last note in the notes list: patient, codes and start
        # in one click (the new-note page's repeat button is the same plus "New note").
        page.goto(base + "/notes/new/")
        tab.count_tab_stops("new", "button[name=start]:not(.visually-hidden)", "#patient-filter")
        page.goto(base + "/notes/")
        tab.click(f"tr:has-text('{patient.mrn}') button[name=repeat_note] >> nth=0")
    else:
        start_new_note(
            tab,
            patient,
            case["codes"],
            case.get("sides"),
            case.get("sites"),
            case.get("technique"),
            case.get("modifiers"),
        )
        tab.count_tab_stops("new", "button[name=start]:not(.visually-hidden)", "#patient-filter")
        tab.click("button[name=start]:not(.visually-hidden)")
    page.wait_for_url(re.compile(r".*/notes/\d+/edit/$"))
    floor = fill_and_sign(tab, case["prefer"])
    context.close()
    # New note, patient, start, password, Sign; a repeat: Repeat (all three in one),
    # Confirm all copied values, password, Sign.
    return tab, floor + (4 if case.get("copy_forward") else 5)


def screenshots(browser, base, folder: Path, patients):
    """The new-note page, a half-filled 64681 note and a copied-forward draft, at 1280 px
    and 768 px (what the viewport shows, as a clinician sees it)."""
    from django.contrib.auth.models import User

    from checklists import copy_sources, services
    from checklists.models import Note
    from practice.models import Patient

    user = User.objects.get(username="bench.clinician")
    # A patient of its own: the cases' notes of today would be the same claim.
    shown = Patient.objects.create(
        first_name="Ida",
        last_name="Fictional",
        date_of_birth=datetime.date(1948, 3, 3),
        mrn="BENCH-SHOT",
    )
    half = services.create_note(
        clinician=user,
        patient=shown,
        date_of_service=TODAY,
        place_of_service="22",
        lines=[{"code": "64681", "units": 1, "modifiers": [], "side": "", "site": ""}],
    )
    half = services.save_note(
        half,
        version=half.version,
        answers=half.answers
        | {
            "informed_consent": {"value": "yes"},
            "technique": {"value": "chemical"},
            "diagnosis": {
                "value": [
                    {"code": "C56.9", "description": "Malignant neoplasm of unspecified ovary"}
                ]
            },
            "neurolytic_agent": {"value": "phenol_aqueous"},
            "phenol_concentration": {"value": "6"},
        },
        actor=user,
    )
    # The patient's earlier RF (not the repeat the case signed today), copied to a note of
    # yesterday: two notes of the same codes on one day would be a duplicate claim.
    source = (
        Note.objects.filter(patient=patients["repeat64635"], date_of_service__lt=TODAY)
        .signed()
        .latest("date_of_service", "pk")
    )
    start = copy_sources.from_note(source)
    copied = services.create_note(
        clinician=user,
        patient=source.patient,
        date_of_service=TODAY - datetime.timedelta(days=1),
        place_of_service="22",
        lines=start.lines,
        answers=start.answers,
        copied=start.copied,
        from_history=True,
    )
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 768):
        context = browser.new_context(viewport={"width": width, "height": 860})
        page = context.new_page()
        page.goto(base + "/login/")
        page.fill("#id_username", "bench.clinician")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/notes/**")
        suffix = "" if width == 1280 else "-768"
        page.goto(base + "/notes/new/")
        page.fill("#patient-filter", patients["repeat64635"].mrn)
        page.wait_for_selector("#copy-sources button[name=from_note]")
        page.fill("#code-search", "lumbar rf")
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=folder / f"note-new{suffix}.png")
        page.goto(base + f"/notes/{half.pk}/edit/")
        page.locator("#sec-procedure").scroll_into_view_if_needed()
        page.screenshot(path=folder / f"note-edit-64681{suffix}.png")
        if width == 768:
            page.click("#panel-toggle")
            page.screenshot(path=folder / "note-edit-64681-768-panel-open.png")
        page.goto(base + f"/notes/{copied.pk}/edit/")
        page.locator("#sec-pre").scroll_into_view_if_needed()
        page.screenshot(path=folder / f"note-copied-64635{suffix}.png")
        context.close()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="one case: does it still work")
    parser.add_argument("--screenshots", type=Path, help="save README screenshots here")
    parser.add_argument("--case", help="only the cases whose name contains this")
    parser.add_argument(
        "--verbose", action="store_true", help="print each action and each Tab stop"
    )
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="effort-"))
    try:
        return run(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # the scratch database and its journal


def run(args, scratch: Path) -> int:
    env = _env(scratch / "db.sqlite3")
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    from django.utils import timezone

    global TODAY
    TODAY = timezone.localdate()  # the app's "today" (its time zone, not the machine's)
    call_command("migrate", verbosity=0)
    call_command("load_catalog", verbosity=0, stdout=io.StringIO())
    patients = seed()

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # a minute: the system checks run first
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            rows = []
            cases = CASES[:1] if args.smoke else CASES
            cases = [case for case in cases if (args.case or "") in case["name"]]
            for case in cases:
                print(f"case: {case['name']}", file=sys.stderr)
                tab, floor = run_case(browser, base, case, patients)
                if args.verbose:
                    for kind, selector in tab.log:
                        print(f"  {kind:6} {selector}", file=sys.stderr)
                    for form, stops in tab.stops.items():
                        print(f"  Tab stops on {form}: {', '.join(stops)}", file=sys.stderr)
                rows.append((case["name"], tab, floor))
            if args.screenshots:
                screenshots(browser, base, args.screenshots, patients)
            browser.close()
    finally:
        server.terminate()
        server.wait()

    print(
        "| case | actions | clicks | selections | typed | floor | Tab stops: new note form"
        " | Tab stops: checklist to Save and sign | (the same after Confirm all, page reloaded)"
        " | goal |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    failed = False
    for name, tab, floor in rows:
        goal = GOALS["repeat"] if name.startswith("repeat") else GOALS.get(name)
        tabs_ok = max(tab.tab_stops.values()) <= GOALS["tab_stops"]
        met = (goal is None or tab.actions <= goal) and tabs_ok
        failed |= not met
        goal_text = f"<= {goal} actions, " if goal else ""
        print(
            f"| {name} | {tab.actions} | {tab.counts['clicks']} | {tab.counts['selections']} "
            f"| {tab.counts['typed']} | {floor} | {tab.tab_stops.get('new', '-')} "
            f"| {tab.tab_stops.get('edit', '-')} | {tab.tab_stops.get('reloaded', '-')} "
            f"| {goal_text}<= {GOALS['tab_stops']} Tab stops: {'met' if met else 'NOT met'} |"
        )
    # The smoke run checks that the journey still works end to end, not the figures.
    return 0 if args.smoke or not failed else 1


if __name__ == "__main__":
    sys.exit(main())
