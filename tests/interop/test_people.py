"""What makes a Practitioner and a Patient matchable: NPI with its check digit, name parts
without credentials, gender recorded with the patient."""

import pytest
from django.core.exceptions import ValidationError

from interop.models import ClinicianProfile
from interop.people import name_parts, npi_is_valid
from practice.models import Patient


@pytest.mark.parametrize(
    "npi, valid",
    [
        ("1234567893", True),  # CMS's worked example: Luhn over 80840123456789 gives 3
        ("1234567890", False),  # wrong check digit
        ("1245319599", True),
        ("1245319598", False),
        ("123456789", False),  # nine digits
        ("12345678930", False),
        ("12345678a3", False),
        ("", False),
    ],
)
def test_npi_check_digit(npi, valid):
    assert npi_is_valid(npi) is valid


def test_a_clinician_npi_must_check_out(clinician):
    with pytest.raises(ValidationError, match="check digit"):
        ClinicianProfile.objects.create(user=clinician, npi="1234567890")
    assert not ClinicianProfile.objects.exists()
    ClinicianProfile.objects.create(user=clinician, npi="1234567893")


def test_credentials_go_to_the_suffix_never_the_family_name():
    assert name_parts("Alice", "Testdoc MD") == {
        "use": "official",
        "text": "Alice Testdoc MD",
        "family": "Testdoc",
        "given": ["Alice"],
        "suffix": ["MD"],
    }
    assert name_parts("Bob", "Otherdoc, D.O.")["suffix"] == ["D.O."]
    assert name_parts("Mary Ann", "van der Testdoc")["family"] == "van der Testdoc"
    assert "suffix" not in name_parts("Mona", "Manager")


def test_a_new_patient_is_recorded_with_gender(clinician_client, catalog):
    response = clinician_client.post(
        "/patients/new/",
        {
            "last_name": "Testpatient",
            "first_name": "Gina",
            "date_of_birth": "1970-05-01",
            "gender": "female",
            "mrn": "TEST-0777",
        },
    )
    assert response.status_code == 302
    assert Patient.objects.get(mrn="TEST-0777").gender == "female"
