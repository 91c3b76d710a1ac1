"""The patient history page, coverage, payers, packs and the note-page partial."""

import html
import re

from django.template import Context, Template
from django.test import RequestFactory

from audit.models import AuditEvent
from rules.models import NoteRuleStatus, PatientCoverage, Payer, RulePack
from tests.rules.history import DOS, block_note, days_before, rf_note
from tests.security.test_hardening import inline_content


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert inline_content(response.text) == [], url
    return html.unescape(response.text)


def visible(text):
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def test_the_history_shows_blocks_with_relief_and_sessions_by_region_and_side(
    clinician_client, clinician, medicare_patient, django_assert_max_num_queries
):
    block_note(clinician, medicare_patient, days_before(40), 85)
    block_note(clinician, medicare_patient, days_before(20), 90)
    rf_note(clinician, medicare_patient, DOS)
    url = f"/patients/{medicare_patient.pk}/history/"
    with django_assert_max_num_queries(20):
        text = page(clinician_client, url)
    assert "Primary payer: Medicare (test)" in visible(text)
    assert "85 % for" in text and "90 % for" in text
    assert "Lumbar or sacral spine" in text and "Claim-ready" in text
    assert "Sessions by region and side" in text


def test_the_next_planned_procedure_comes_from_a_draft_and_says_when_it_is_eligible(
    clinician_client, clinician, medicare_patient
):
    block_note(clinician, medicare_patient, days_before(40), 85)
    block_note(clinician, medicare_patient, days_before(20), 90)
    draft = rf_note(clinician, medicare_patient, DOS, sign=False)
    text = page(clinician_client, f"/patients/{medicare_patient.pk}/history/")
    assert (
        f"Eligible for 64635 L4-L5 left on {DOS:%m/%d/%Y}: two diagnostic medial branch blocks "
        "85 % and 90 %" in text
    )
    assert f"/notes/{draft.pk}/edit/" in text


def test_a_procedure_being_considered_is_checked_from_the_form(
    clinician_client, clinician, medicare_patient
):
    block_note(clinician, medicare_patient, days_before(40), 85)
    text = page(
        clinician_client,
        f"/patients/{medicare_patient.pk}/history/?code=64635&side=left&site=L4-L5&day={DOS}",
    )
    assert (
        "Not eligible for 64635 L4-L5 left on 11/02/2026: 1 of 2 diagnostic medial branch blocks"
        in text
    )
    text = page(
        clinician_client,
        f"/patients/{medicare_patient.pk}/history/?code=64625&side=left&day={DOS}",
    )
    assert "Not eligible for 64625 left on 11/02/2026: not covered" in text


def test_assigning_a_payer_is_audited_and_rechecks_the_notes(
    clinician_client, clinician, patient, packs
):
    rf = rf_note(clinician, patient, DOS)
    assert NoteRuleStatus.objects.get(note=rf).state == "no_payer"
    payer = Payer.objects.create(name="Medicare (test)", kind="medicare")
    url = f"/patients/{patient.pk}/coverage/"
    assert "Medicare (test)" in page(clinician_client, url)
    response = clinician_client.post(url, {"primary_payer": payer.pk, "member_id": "1EG4"})
    assert response.status_code == 302
    assert PatientCoverage.objects.get(patient=patient).member_id == "1EG4"
    assert NoteRuleStatus.objects.get(note=rf).state == "not_ready"
    event = AuditEvent.objects.get(action="patient.coverage")
    assert event.detail["after"] == {"payer": "Medicare (test)", "member_id": "1EG4"}


def test_only_managers_manage_payers_and_packs_can_be_picked_per_payer(
    client, clinician, manager, packs
):
    client.force_login(clinician)
    assert client.get("/payers/").status_code == 403
    client.force_login(manager)
    assert "No payer yet" in page(client, "/payers/")
    anthem = RulePack.objects.get(key="anthem-morton-neuroma")
    text = page(client, "/payers/new/")
    assert "Anthem CG-SURG-25" in text
    response = client.post(
        "/payers/new/",
        {"name": "Anthem", "kind": "commercial", "packs": [anthem.pk], "active": "on"},
    )
    assert response.status_code == 302
    payer = Payer.objects.get(name="Anthem")
    assert list(payer.packs.all()) == [anthem]
    assert "Anthem CG-SURG-25 Morton&#x27;s neuroma" in client.get("/payers/").text
    assert AuditEvent.objects.filter(action="payer.create").exists()


def test_the_pack_page_lists_every_rule_with_its_key_and_source(clinician_client, packs):
    text = page(clinician_client, "/rules/")
    assert "medicare-facet-rf/two-diagnostic-blocks" in text
    assert "LCD L38801" in text and "prerequisite_notes" in text


def test_the_note_partial_says_claim_ready_or_lists_the_failing_rules(
    clinician, manager, medicare_patient
):
    block_note(clinician, medicare_patient, days_before(40), 85)
    failing = rf_note(clinician, medicare_patient, DOS)
    request = RequestFactory().get("/")
    request.user = manager
    template = Template(
        "{% load rules_tags %}{% claim_status note %}{% patient_history_link note.patient %}"
    )
    text = html.unescape(template.render(Context({"request": request, "note": failing})))
    assert "Not claim-ready" in text
    assert (
        "Two consecutive diagnostic medial branch blocks, each with at least 80 % relief" in text
    )
    assert "LCD L38801" in text and "cms.gov" in text
    assert f"/notes/{failing.pk}/packet.pdf" in text
    assert f"/patients/{medicare_patient.pk}/history/" in text
    assert inline_content(text) == []
    block_note(clinician, medicare_patient, days_before(20), 90)
    failing.refresh_from_db()
    text = html.unescape(template.render(Context({"request": request, "note": failing})))
    assert "Claim-ready" in text and "Not claim-ready" not in text


def test_pages_need_a_note_reader(client, patient, packs, catalog_admin):
    assert client.get(f"/patients/{patient.pk}/history/").status_code == 302
    client.force_login(catalog_admin)
    assert client.get(f"/patients/{patient.pk}/history/").status_code == 403
    assert client.get(f"/patients/{patient.pk}/coverage/").status_code == 403


def test_the_headline_judges_the_draft_on_its_own_date_counting_another_draft(
    clinician_client, clinician, medicare_patient
):
    from rules.checks import add_months

    first = add_months(DOS, -11)
    rf_note(clinician, medicare_patient, first, side="right", site="L5-S1")
    rf_note(clinician, medicare_patient, days_before(40), sign=False)  # another draft
    rf_note(clinician, medicare_patient, DOS, side="right", site="L5-S1", sign=False)
    text = page(clinician_client, f"/patients/{medicare_patient.pk}/history/")
    eligible_from = add_months(first, 12)
    assert (
        f"Not eligible for 64635 L5-S1 right on {DOS:%m/%d/%Y}: 3 RF sessions in 12 months. "
        f"It would be eligible from {eligible_from:%m/%d/%Y}." in text
    )
    assert f"earlier: {first:%m/%d/%Y}, {days_before(40):%m/%d/%Y} (draft)." in text
    assert "Eligible for 64635 L5-S1 right from" not in text
