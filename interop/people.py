"""Matching data for people: a clinician's NPI and name parts, a patient's gender.

EHR interfaces match a Practitioner by NPI and a Patient by MRN, name, birth date and
gender; these helpers give them clean values from what the app stores.
"""

import re

# Credentials people type after their name ("Alice Testdoc MD"); FHIR puts them in
# HumanName.suffix, never in the family name an interface matches on.
CREDENTIALS = {
    "MD", "DO", "MBBS", "MBCHB", "PHD", "NP", "APRN", "DNP", "PA", "PA-C", "CRNA", "RN",
    "FRCPC", "FRCA", "FIPP", "DABA", "DABPM", "MPH", "MS", "MSC", "JR", "SR", "II", "III",
}  # fmt: skip
GENDERS = {"male", "female", "other", "unknown"}


def npi_is_valid(npi: str) -> bool:
    """A 10-digit NPI whose check digit is right: Luhn over "80840" + the NPI (CMS)."""
    if not re.fullmatch(r"\d{10}", npi or ""):
        return False
    total = 0
    for position, char in enumerate(reversed("80840" + npi)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            digit -= 9 if digit > 9 else 0
        total += digit
    return total % 10 == 0


def name_parts(first: str, last: str) -> dict:
    """HumanName parts: credentials typed into either name go to `suffix`."""
    words = [w.strip(",") for w in f"{first} {last}".split() if w.strip(",")]
    suffix = []
    while words and words[-1].upper().replace(".", "") in CREDENTIALS:
        suffix.insert(0, words.pop())
    given = [w for w in first.split() if w.strip(",") in words]
    family = " ".join(w for w in last.replace(",", " ").split() if w in words and w not in suffix)
    name = {"use": "official", "text": " ".join(words + suffix)}
    if family:
        name["family"] = family
    if given:
        name["given"] = given
    if suffix:
        name["suffix"] = suffix
    return name


def clinician_npi(user) -> str:
    """The clinician's NPI as recorded (blank when none)."""
    profile = getattr(user, "clinician_profile", None)
    return getattr(profile, "npi", "") or ""


def patient_gender(patient) -> str:
    """FHIR administrative gender: male, female, other or unknown."""
    value = patient.gender or "unknown"
    return value if value in GENDERS else "unknown"
