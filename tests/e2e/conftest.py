"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Screenshots of every step go to test-artifacts/ (git-ignored), at 1280 and 1024 px.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from practice.models import Patient, Practice
from practice.roles import CLINICIAN, MANAGER

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "e2e-password-for-tests"
AXE = Path(__file__).with_name("vendor") / "axe.min.js"


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are
    # still plain synchronous code. Only for this package: the rest of the suite keeps
    # Django's async-safety check (and check --deploy refuses the variable).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: ./scripts/test installs it when run as root")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def e2e_world(transactional_db, catalog):
    practice = Practice.objects.create(name="E2E Pain Clinic (synthetic)", address="1 Test Way")
    users = {}
    for username, first, last, role in (
        ("casey", "Casey", "Browser-Clinician MD", CLINICIAN),
        ("morgan", "Morgan", "Browser-Manager", MANAGER),
    ):
        user = User.objects.create_user(
            username, f"{username}@example.test", PASSWORD, first_name=first, last_name=last
        )
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    patient = Patient.objects.create(
        first_name="Alpha", last_name="Testpatient", date_of_birth="1950-01-01", mrn="E2E-0001"
    )
    return {"practice": practice, "patient": patient, **users}


class Session:
    """One signed-in browser tab, with helpers for the steps of a journey."""

    def __init__(self, browser, base_url, name, width=1280):
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.base_url = base_url
        self.name = name
        self.width = width
        self.step = 0
        self.console_errors = []
        self.page.on(
            "console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None
        )

    def goto(self, path):
        self.page.goto(self.base_url + path)

    def sign_in(self, username):
        self.goto("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url("**/notes/**")

    def shot(self, label):
        self.step += 1
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{self.name}-{self.width}-{self.step:02d}-{label}.png"
        self.page.screenshot(path=path, full_page=True)
        return path

    def horizontal_overflow(self) -> int:
        return self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    def axe(self):
        """Serious and critical axe-core violations on the current page."""
        # Evaluated through the DevTools protocol, so the page's CSP (rightly) stays strict.
        self.page.evaluate(AXE.read_text())
        result = self.page.evaluate("async () => await axe.run(document)")
        return [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    def close(self):
        self.context.close()


@pytest.fixture
def open_session(browser, live_server):
    sessions = []

    def open_(name, width=1280):
        session = Session(browser, live_server.url, name, width)
        sessions.append(session)
        return session

    yield open_
    for session in sessions:
        session.close()
