"""The demo history, re-checking from the command line, and payer edits in the admin."""

from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checklists.models import Note
from rules.models import NoteRuleStatus, PatientCoverage, Payer
from tests.rules.history import DOS, rf_note


def test_the_demo_history_shows_each_claim_state_and_is_idempotent(catalog, packs):
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_rules_demo", stdout=out)
    assert "Bravo Testpatient" in out.getvalue()
    states = dict(
        NoteRuleStatus.objects.filter(note__lines__code="64635")
        .values_list("note__patient__first_name", "state")
        .order_by("note__date_of_service")
    )
    assert states == {"Alpha": "ready", "Bravo": "not_ready"}
    morton = NoteRuleStatus.objects.filter(note__patient__first_name="Charlie")
    assert list(morton.order_by("note__date_of_service").values_list("state", flat=True)) == [
        "ready",
        "ready",
        "ready",
        "not_ready",
    ]
    out = StringIO()
    call_command("seed_rules_demo", stdout=out)
    assert "already there" in out.getvalue()


def test_recheck_rebuilds_every_stored_result(clinician, medicare_patient):
    rf = rf_note(clinician, medicare_patient, DOS)
    NoteRuleStatus.objects.all().delete()
    out = StringIO()
    call_command("load_rule_packs", "--recheck", stdout=out)
    assert "Re-checked 1 signed note." in out.getvalue()
    assert NoteRuleStatus.objects.get(note=rf).state == "not_ready"


def test_a_coverage_changed_in_the_admin_rechecks_the_patient(
    admin_client, clinician, medicare_patient
):
    rf = rf_note(clinician, medicare_patient, DOS)
    coverage = PatientCoverage.objects.get(patient=medicare_patient)
    commercial = Payer.objects.create(name="Plain commercial", kind="commercial")
    response = admin_client.post(
        f"/admin/rules/patientcoverage/{coverage.pk}/change/",
        {"patient": medicare_patient.pk, "primary_payer": commercial.pk, "member_id": ""},
    )
    assert response.status_code == 302, response.content[:500]
    assert NoteRuleStatus.objects.get(note=rf).state == "ready"


def test_a_recheck_costs_the_same_queries_however_long_the_history(
    clinician, medicare_patient, django_assert_num_queries
):
    from rules.services import refresh_patient
    from tests.rules.history import days_before

    rf_note(clinician, medicare_patient, days_before(400))
    with CaptureQueriesContext(connection) as one:
        refresh_patient(medicare_patient.pk)
    for days in (300, 200, 100):
        rf_note(clinician, medicare_patient, days_before(days))
    with django_assert_num_queries(len(one)):
        assert refresh_patient(medicare_patient.pk) == 4
    states = NoteRuleStatus.objects.filter(note__patient=medicare_patient)
    assert states.count() == 4
    assert states.order_by("note__date_of_service").last().state == "not_ready"


def test_the_demo_history_states_the_volume_per_site_its_total_gives(catalog, packs):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_rules_demo", stdout=StringIO())
    per_site = {
        (note.patient.first_name, str(note.date_of_service)): (
            note.answers["neurolytic_volume"]["value"],
            note.answers["neurolytic_volume_by_site"]["value"],
        )
        for note in Note.objects.filter(lines__code="64632").select_related("patient")
        if "neurolytic_volume_by_site" in note.answers
    }
    assert per_site  # the Morton's neuroma history documents its volumes
    for total, by_site in per_site.values():
        assert by_site.startswith(f"{total} mL at the "), (total, by_site)
        assert by_site.endswith(" web space"), by_site
