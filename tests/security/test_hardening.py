"""Headers, Content-Security-Policy, deployment checks, no PHI where it does not belong."""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from tests.notes import make_note, sign

ROOT = Path(__file__).resolve().parents[2]


class InlineFinder(HTMLParser):
    """Collects inline scripts, <style> blocks, style= and on*= attributes."""

    def __init__(self):
        super().__init__()
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self._in_script = True
        if tag == "style":
            self.found.append("<style>")
        for name, _ in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag} {name}=")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("inline <script>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def inline_content(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_real_pages_need_no_inline_script_or_style(client, clinician, patient):
    note = make_note(clinician, patient, "64681", complete=True)
    signed = sign(make_note(clinician, patient, "64640", complete=True), clinician)
    pages = ["/login/", "/password-reset/"]
    client.force_login(clinician)
    pages += [
        "/notes/",
        "/notes/new/",
        f"/notes/{note.pk}/edit/",
        f"/notes/{note.pk}/sign/",
        f"/notes/{signed.pk}/",
        f"/notes/{signed.pk}/addenda/new/",
        "/codes/",
        "/codes/64681/",
        "/patients/new/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ):
            assert directive in csp, (url, directive)
        assert "unsafe-inline" not in csp and "http" not in csp
        assert inline_content(response.text) == [], url


def test_security_headers_are_sent(clinician_client):
    response = clinician_client.get("/notes/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_settings_pass_the_deployment_check():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 20 + "-production-secret-for-the-deploy-check-0123456789",
        "ALLOWED_HOSTS": "notes.example.org",
        "DATABASE_URL": "sqlite:////tmp/neurolysis-deploy-check.sqlite3",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_health_check_answers_without_sign_in(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_no_patient_name_in_urls_titles_or_filenames(clinician_client, clinician, patient):
    note = make_note(clinician, patient, "64681")
    for url in (
        f"/notes/{note.pk}/",
        f"/notes/{note.pk}/edit/",
        f"/notes/{note.pk}/sign/",
        f"/patients/{patient.pk}/history/",
        f"/patients/{patient.pk}/coverage/",
    ):
        page = clinician_client.get(url).text
        title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert patient.last_name not in title and patient.mrn not in title
    links = re.findall(r'href="([^"]+)"', clinician_client.get("/notes/").text)
    assert not any(patient.last_name in link or patient.mrn in link for link in links)


def test_saving_a_note_logs_no_patient_name(clinician_client, clinician, patient, caplog):
    caplog.set_level("DEBUG")
    note = make_note(clinician, patient, "64681", complete=True)
    clinician_client.get(f"/notes/{note.pk}/")
    assert patient.last_name not in caplog.text and patient.mrn not in caplog.text


def test_forged_posts_to_a_signed_note_change_nothing(client, clinician, other_clinician, patient):
    note = sign(make_note(clinician, patient, "64681", complete=True), clinician)
    before = (note.answers, note.content_hash)
    client.force_login(other_clinician)
    for url in ("edit", "autosave", "sign", "addenda/new"):
        response = client.post(f"/notes/{note.pk}/{url}/", {"version": 999, "diagnosis": "forged"})
        assert response.status_code == 403, url
    note.refresh_from_db()
    assert (note.answers, note.content_hash) == before
    assert not note.addenda.exists()
