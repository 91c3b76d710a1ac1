"""Sign-in throttling, idle and absolute session limits, server-side logout."""

import time

from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password
from django.contrib.sessions.models import Session

from config import hashers, session_timeout
from config import settings as project_settings
from tests.conftest import PASSWORD


def test_five_failed_sign_ins_lock_the_account_from_that_address(client, clinician):
    for _ in range(4):
        response = client.post("/login/", {"username": "alice", "password": "not-the-password"})
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.text
    response = client.post("/login/", {"username": "alice", "password": "not-the-password"})
    assert response.status_code == 429
    # Locked for 15 minutes, even with the right password.
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text
    assert "_auth_user_id" not in client.session


def test_passwords_are_stored_with_the_projects_argon2(client, clinician, settings):
    # The conftest swaps in a fast hasher for every test: put the project's list back.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert get_hasher().__class__ is hashers.Argon2PasswordHasher
    clinician.set_password("a-long-enough-password-1")
    clinician.save()
    assert identify_hasher(clinician.password).__class__ is hashers.Argon2PasswordHasher
    # An older PBKDF2 hash still signs in, and is stored again with argon2.
    clinician.password = make_password("a-long-enough-password-2", hasher="pbkdf2_sha256")
    clinician.save()
    response = client.post(
        "/login/", {"username": "alice", "password": "a-long-enough-password-2"}
    )
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.password.startswith("argon2$argon2id$")


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_an_idle_session_is_signed_out(clinician_client, settings):
    _age_session(clinician_client, last_activity=settings.SESSION_IDLE_SECONDS + 5)
    response = clinician_client.get("/notes/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert clinician_client.get("/notes/").status_code == 302


def test_an_idle_autosave_answers_json_so_the_page_keeps_the_input(clinician_client, settings):
    _age_session(clinician_client, last_activity=settings.SESSION_IDLE_SECONDS + 5)
    response = clinician_client.post("/notes/1/autosave/", {}, HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json()["error"] == "session_expired"


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(clinician_client, settings):
    _age_session(clinician_client, last_activity=10, signed_in_at=settings.SESSION_COOKIE_AGE + 5)
    response = clinician_client.get("/notes/", follow=True)
    assert "maximum length" in response.text


def test_an_active_session_stays(clinician_client):
    _age_session(clinician_client, last_activity=60)
    assert clinician_client.get("/notes/").status_code == 200
    assert clinician_client.post("/session/keepalive/").json() == {"idle_seconds": 900}


def test_pages_carry_the_idle_limit_for_the_warning(clinician_client):
    page = clinician_client.get("/notes/").text
    assert 'data-idle-seconds="900"' in page and 'id="session-warning"' in page


def test_signing_out_deletes_the_session_on_the_server(clinician_client):
    key = clinician_client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    clinician_client.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()


def test_short_and_common_passwords_are_refused(clinician):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short-pw", "password1234"):
        try:
            validate_password(weak, clinician)
        except ValidationError:
            continue
        raise AssertionError(f"{weak} was accepted")


def test_the_session_timeout_keys_are_set_at_sign_in(client, clinician):
    client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert session_timeout.STARTED in client.session
