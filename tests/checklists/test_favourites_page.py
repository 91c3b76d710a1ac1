"""The clinician's favourites page: list, rename, remove; their own only; audited."""

import pytest
from django.test import Client

from audit.models import AuditEvent
from checklists.models import Favourite

LINES = [{"code": "64635", "units": 1, "modifiers": [], "side": "", "site": ""}]


@pytest.fixture
def usual(clinician):
    return Favourite.objects.create(
        clinician=clinician,
        name="My usual lumbar RF",
        lines=[dict(LINES[0], technique="thermal_rf")],
        answers={"technique": {"value": "thermal_rf"}, "rf_temperature": {"value": "85"}},
    )


@pytest.fixture
def theirs(other_clinician):
    return Favourite.objects.create(clinician=other_clinician, name="Their SHP", lines=LINES)


def test_the_page_lists_only_the_clinicians_own_favourites(clinician_client, usual, theirs):
    page = clinician_client.get("/favourites/").content.decode()
    assert "My usual lumbar RF" in page and "64635 · 2 settings" in page
    assert "Their SHP" not in page
    assert 'href="/favourites/"' in clinician_client.get("/notes/new/").content.decode()


def test_renaming_keeps_the_setup_and_is_audited(clinician_client, clinician, usual):
    response = clinician_client.post(
        f"/favourites/{usual.pk}/rename/", {"name": "  Lumbar RF   85 C "}
    )
    assert response.status_code == 302 and response["Location"] == "/favourites/"
    usual.refresh_from_db()
    assert (usual.name, usual.answers["rf_temperature"]) == ("Lumbar RF 85 C", {"value": "85"})
    event = AuditEvent.objects.get(action="favourite.rename")
    assert (event.actor, event.object_type, event.object_id) == (
        clinician,
        "favourite",
        str(usual.pk),
    )
    assert event.detail == {"name": ["My usual lumbar RF", "Lumbar RF 85 C"]}


def test_a_name_taken_or_empty_is_refused_beside_the_field_keeping_what_was_typed(
    clinician_client, clinician, usual
):
    Favourite.objects.create(clinician=clinician, name="Cervical RF", lines=LINES)
    response = clinician_client.post(f"/favourites/{usual.pk}/rename/", {"name": "Cervical  RF"})
    page = response.content.decode()
    assert response.status_code == 422
    assert "You already have a favourite named “Cervical RF”." in page
    assert (
        f'id="name-{usual.pk}" name="name" class="form-control form-control-sm is-invalid"' in page
    )
    assert 'value="Cervical  RF"' in page
    response = clinician_client.post(f"/favourites/{usual.pk}/rename/", {"name": "   "})
    assert "Name the favourite, e.g. “My usual lumbar RF”." in response.content.decode()
    usual.refresh_from_db()
    assert usual.name == "My usual lumbar RF"
    assert not AuditEvent.objects.filter(action="favourite.rename").exists()


def test_removing_deletes_the_row_and_audits_what_it_was(clinician_client, clinician, usual):
    response = clinician_client.post(f"/favourites/{usual.pk}/delete/")
    assert response.status_code == 302
    assert not Favourite.objects.filter(pk=usual.pk).exists()
    event = AuditEvent.objects.get(action="favourite.delete")
    assert event.detail == {"name": "My usual lumbar RF", "codes": ["64635"]}
    assert (
        "Favourite “My usual lumbar RF” removed."
        in clinician_client.get("/favourites/").content.decode()
    )


def test_another_clinicians_favourite_cannot_be_renamed_or_removed(clinician_client, theirs):
    assert (
        clinician_client.post(f"/favourites/{theirs.pk}/rename/", {"name": "Mine"}).status_code
        == 404
    )
    assert clinician_client.post(f"/favourites/{theirs.pk}/delete/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Their SHP"
    assert not AuditEvent.objects.filter(object_type="favourite").exists()
    assert Client().get("/favourites/").status_code == 302  # signed out: to the login
