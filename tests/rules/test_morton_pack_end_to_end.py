"""The Morton's neuroma 6-month rule on real signed notes."""

import datetime

from practice.models import Patient
from rules.checks import add_months
from rules.models import NoteRuleStatus
from rules.services import set_coverage
from tests.rules.history import DOS, days_before, line_dict, note_on


def injection(clinician, patient, day, answers=None):
    return note_on(
        clinician,
        patient,
        day,
        [line_dict("64632", "left", "3rd")],
        {
            "neurolytic_agent": "ethanol",
            "interspace_treated": ["left_3"],
            "repeat_injection_justification": {"na_reason": "No more than 3 in 6 months"},
            **(answers or {}),
        },
        technique="chemical",
    )


def state(note):
    return NoteRuleStatus.objects.get(note=note).state


def test_the_fourth_injection_at_a_site_in_6_months_needs_a_reason(clinician, medicare_patient):
    first = injection(
        clinician, medicare_patient, add_months(DOS, -6) + datetime.timedelta(days=1)
    )
    for days in (90, 45):
        injection(clinician, medicare_patient, days_before(days))
    fourth = injection(clinician, medicare_patient, DOS)
    assert state(first) == "ready" and state(fourth) == "not_ready"


def test_the_fourth_injection_with_its_reason_is_claim_ready(clinician, medicare_patient):
    injection(clinician, medicare_patient, add_months(DOS, -6) + datetime.timedelta(days=1))
    for days in (90, 45):
        injection(clinician, medicare_patient, days_before(days))
    justified = injection(
        clinician,
        medicare_patient,
        DOS,
        {
            # The reason is asked (and kept at signing) once the count is above 3.
            "site_injections_6mo": "4",
            "repeat_injection_justification": "Relief grows with each injection; plan 5 in total.",
        },
    )
    assert state(justified) == "ready"


def test_once_the_first_injection_is_6_months_old_the_fourth_is_fine(clinician, medicare_patient):
    injection(clinician, medicare_patient, add_months(DOS, -6))
    for days in (90, 45):
        injection(clinician, medicare_patient, days_before(days))
    assert state(injection(clinician, medicare_patient, DOS)) == "ready"


def test_another_patients_injections_never_count(clinician, medicare_patient, medicare):
    other = Patient.objects.create(
        first_name="Yan", last_name="Otherpatient", date_of_birth=DOS.replace(year=1970), mrn="T-2"
    )
    set_coverage(other, payer=medicare)
    for days in (120, 90, 45):
        injection(clinician, other, days_before(days))
    assert state(injection(clinician, medicare_patient, DOS)) == "ready"
