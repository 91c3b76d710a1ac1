"""Every URL pattern, walked anonymously and as each role.

A route added without a line in ACCESS fails `test_every_route_is_in_the_access_table`,
so nobody ships a page whose access nobody decided.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from checklists.models import Favourite
from practice.models import Patient
from review.models import DocumentationQuery, ExportJob
from rules.models import Payer
from tests.notes import make_note, sign

OK, LOGIN, FORBIDDEN, MISSING, NOT_ALLOWED = 200, "login", 403, 404, 405
PUBLIC = {
    "home": 302,
    "login": OK,
    "password_reset": OK,
    "password_reset_done": OK,
    "password_reset_confirm": OK,
    "password_reset_complete": OK,
    "healthz": OK,
    "session-keepalive": NOT_ALLOWED,
    "logout": NOT_ALLOWED,
    # The FHIR API answers machines: 401 with WWW-Authenticate, not a sign-in page.
    "interop:fhir-metadata": OK,
    "interop:fhir-search": 401,
    "interop:fhir-read": 401,
    "interop:fhir-binary": 401,
}
# GET as: owner clinician, another clinician, manager, a signed-in user with no role.
# Redirects (302) are pages that send the user on with a message.
ACCESS = {
    "checklists:note-list": (OK, OK, OK, FORBIDDEN),
    "checklists:note-new": (OK, OK, FORBIDDEN, FORBIDDEN),
    "checklists:note-detail": (OK, OK, OK, MISSING),
    "checklists:note-edit": (OK, FORBIDDEN, FORBIDDEN, MISSING),
    "checklists:note-autosave": (NOT_ALLOWED,) * 4,
    "checklists:note-sign": (OK, FORBIDDEN, FORBIDDEN, MISSING),
    "checklists:addendum-new": (OK, FORBIDDEN, FORBIDDEN, MISSING),
    "checklists:note-pdf": (OK, OK, OK, MISSING),
    "audit:event-list": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "checklists:patient-new": (OK, OK, FORBIDDEN, FORBIDDEN),
    "checklists:note-copy-sources": (OK, OK, FORBIDDEN, FORBIDDEN),
    "checklists:favourite-new": (NOT_ALLOWED,) * 4,
    "checklists:favourite-list": (OK, OK, FORBIDDEN, FORBIDDEN),
    "checklists:favourite-rename": (NOT_ALLOWED,) * 4,
    "checklists:favourite-delete": (NOT_ALLOWED,) * 4,
    "checklists:icd10-search": (OK, OK, OK, OK),
    "procedures:code-list": (OK, OK, OK, OK),
    "procedures:code-detail": (OK, OK, OK, OK),
    "procedures:code-checklist-pdf": (OK, OK, OK, OK),
    "interop:code-questionnaire": (OK, OK, OK, OK),
    "interop:note-fhir": (OK, OK, OK, MISSING),
    "interop:fhir-search": (OK, OK, OK, FORBIDDEN),
    "interop:fhir-read": (OK, OK, OK, FORBIDDEN),
    "interop:fhir-binary": (OK, OK, OK, MISSING),
    "review:dashboard": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "review:notes-csv": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "review:cloned": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "review:query-list": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "review:query-new": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "review:query-withdraw": (NOT_ALLOWED,) * 4,
    "review:export-list": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "review:export-new": (NOT_ALLOWED,) * 4,
    "review:export-detail": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "review:export-progress": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "review:export-cancel": (NOT_ALLOWED,) * 4,
    "review:export-download": (FORBIDDEN, FORBIDDEN, MISSING, FORBIDDEN),
    "rules:note-packet": (OK, FORBIDDEN, OK, MISSING),
    "rules:patient-history": (OK, OK, OK, FORBIDDEN),
    "rules:patient-coverage": (OK, OK, OK, FORBIDDEN),
    "rules:payer-list": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "rules:payer-new": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "rules:payer-edit": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "rules:pack-list": (OK, OK, OK, FORBIDDEN),
}


def route_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_route_is_in_the_access_table():
    unknown = set(route_names()) - set(ACCESS) - set(PUBLIC)
    assert unknown == set(), f"decide who may open {sorted(unknown)} and add it to ACCESS"


@pytest.fixture
def world(clinician, other_clinician, manager, patient):
    draft = make_note(clinician, patient, "64681")
    signed = sign(make_note(clinician, patient, "64640", complete=True), clinician)
    stranger = User.objects.create_user("nobody", "nobody@example.test", "x" * 16)
    query = DocumentationQuery.objects.create(
        note=draft, opened_by=manager, message="Synthetic query", elements=["disposition"]
    )
    job = ExportJob.objects.create(created_by=manager, filters={}, total=0)
    payer = Payer.objects.create(name="Synthetic Medicare", kind="medicare")
    favourite = Favourite.objects.create(clinician=clinician, name="Usual SHP", lines=[])
    kwargs = {
        "checklists:note-detail": {"pk": signed.pk},
        "checklists:note-edit": {"pk": draft.pk},
        "checklists:note-autosave": {"pk": draft.pk},
        "checklists:favourite-new": {"pk": draft.pk},
        "checklists:favourite-rename": {"pk": favourite.pk},
        "checklists:favourite-delete": {"pk": favourite.pk},
        "checklists:note-sign": {"pk": draft.pk},
        "checklists:addendum-new": {"pk": signed.pk},
        "checklists:note-pdf": {"pk": signed.pk},
        "procedures:code-detail": {"code": "64681"},
        "procedures:code-checklist-pdf": {"code": "64681"},
        "interop:code-questionnaire": {"code": "64681"},
        "interop:note-fhir": {"pk": signed.pk},
        "interop:fhir-search": {"kind": "Patient"},
        "interop:fhir-read": {"kind": "QuestionnaireResponse", "id": signed.pk},
        "interop:fhir-binary": {"id": f"note-{signed.pk}-pdf"},
        "review:query-new": {"pk": draft.pk},
        "review:query-withdraw": {"pk": query.pk},
        "review:export-detail": {"pk": job.pk},
        "review:export-progress": {"pk": job.pk},
        "review:export-cancel": {"pk": job.pk},
        "review:export-download": {"pk": job.pk},
        "rules:note-packet": {"pk": signed.pk},
        "rules:patient-history": {"pk": patient.pk},
        "rules:patient-coverage": {"pk": patient.pk},
        "rules:payer-edit": {"pk": payer.pk},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
    }
    users = (clinician, other_clinician, manager, stranger)
    return kwargs, users


def status_of(response):
    if response.status_code == 302 and response["Location"].startswith("/login/"):
        return LOGIN
    return response.status_code


def test_anonymous_visitors_are_sent_to_sign_in_everywhere_but_public_pages(client, world):
    kwargs, _ = world
    for name in route_names():
        url = reverse(name, kwargs=kwargs.get(name))
        expected = PUBLIC.get(name, LOGIN)
        if ACCESS.get(name) == (NOT_ALLOWED,) * 4:
            expected = NOT_ALLOWED  # POST-only: a GET is refused before anything is read
        assert status_of(client.get(url)) == expected, name


@pytest.mark.parametrize("role", ["owner", "other clinician", "manager", "no role"])
def test_each_role_gets_exactly_the_pages_it_should(client, world, role):
    kwargs, users = world
    index = ["owner", "other clinician", "manager", "no role"].index(role)
    client.force_login(users[index])
    wrong = []
    for name, expected in ACCESS.items():
        response = client.get(reverse(name, kwargs=kwargs.get(name)))
        if status_of(response) != expected[index]:
            wrong.append((name, expected[index], status_of(response)))
    assert wrong == []


def test_other_objects_answer_404_not_data(clinician_client, patient):
    missing = Patient.objects.order_by("-pk").first().pk + 1000
    for url in (f"/notes/{missing}/", f"/notes/{missing}/edit/", f"/notes/{missing}/pdf/"):
        assert clinician_client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "name", ["review:query-withdraw", "review:export-new", "review:export-cancel"]
)
def test_manager_only_actions_refuse_a_clinicians_post(client, world, name):
    kwargs, users = world
    client.force_login(users[0])
    assert client.post(reverse(name, kwargs=kwargs.get(name))).status_code == FORBIDDEN


@pytest.mark.parametrize("role", ["owner", "manager"])
def test_no_signed_in_answer_is_kept_in_the_browsers_cache(client, world, role):
    kwargs, users = world
    client.force_login(users[0 if role == "owner" else 2])
    cached = []
    for name in sorted(set(route_names()) - {"logout"}):
        response = client.get(reverse(name, kwargs=kwargs.get(name)))
        if "no-store" not in response.get("Cache-Control", ""):
            cached.append((name, response.status_code, response.get("Cache-Control")))
    assert cached == []


def test_anonymous_pages_are_left_to_the_usual_caching(client):
    assert "no-store" not in client.get(reverse("healthz")).get("Cache-Control", "")
