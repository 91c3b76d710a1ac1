"""The synthetic demo practice: obviously fake people, fixed logins, no real data."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Patient, Practice
from .roles import CATALOG_ADMIN, CLINICIAN, MANAGER, ROLES

PRACTICE = {
    "name": "Demo Pain & Spine Clinic (synthetic)",
    "address": "100 Example Avenue, Suite 0\nSpringfield, CA 00000",
    "phone": "555-0100",
    # A real jurisdiction, so the contractor's LCD packs apply as they would: California
    # is served by Noridian JE (the facet pack's L38801).
    "state": "CA",
    "medicare_contractor": "Noridian Healthcare Solutions (JE)",
    # The demo's notes are office procedures; a new note starts there (one choice less).
    "default_place_of_service": "11",
}
# (username, first, last, role, password) -- demo only, printed by seed_demo.
USERS = [
    ("dr.demo", "Casey", "Demo-Clinician MD", CLINICIAN, "demo-clinician-pass"),
    ("dr.sample", "Robin", "Sample-Clinician DO", CLINICIAN, "demo-clinician-pass"),
    ("manager", "Morgan", "Demo-Manager", MANAGER, "demo-manager-pass"),
    ("catalog", "Alex", "Demo-Catalog", CATALOG_ADMIN, "demo-catalog-pass"),
]
PATIENTS = [
    ("Alpha", "Testpatient", datetime.date(1950, 1, 1), "DEMO-0001"),
    ("Bravo", "Testpatient", datetime.date(1961, 2, 2), "DEMO-0002"),
    ("Charlie", "Fictional", datetime.date(1972, 3, 3), "DEMO-0003"),
    ("Delta", "Synthetic", datetime.date(1983, 4, 4), "DEMO-0004"),
    ("Echo", "Placeholder", datetime.date(1948, 5, 5), "DEMO-0005"),
    ("Foxtrot", "Sample", datetime.date(1957, 6, 6), "DEMO-0006"),
    *(
        (first, last, datetime.date(1940 + n, n % 12 + 1, n % 27 + 1), f"DEMO-{n + 7:04d}")
        for n, (first, last) in enumerate(
            (first, last)
            for first in ("Golf", "Hotel", "India", "Juliet", "Kilo", "Lima", "Mike", "November")
            for last in ("Testpatient", "Fictional", "Placeholder")
        )
    ),
]

# Their procedure history is written scenario by scenario by `seed_rules_demo` (rules/demo.py);
# the generated demo notes leave them alone so that history stays as the scenarios say.
HISTORY_PATIENTS = ("DEMO-0001", "DEMO-0002", "DEMO-0003", "DEMO-0004")


@transaction.atomic
def seed_practice() -> dict[str, int]:
    """Create what is missing; never touch what exists (passwords stay as users set them)."""
    created = {"users": 0, "patients": 0}
    if not Practice.objects.exists():
        Practice.objects.create(**PRACTICE)
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    User = get_user_model()
    for username, first, last, role, password in USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.test"},
        )
        if was_created:
            user.set_password(password)
            user.is_staff = role == CATALOG_ADMIN
            user.save()
            user.groups.add(groups[role])
            created["users"] += 1
    for first, last, dob, mrn in PATIENTS:
        _, was_created = Patient.objects.get_or_create(
            mrn=mrn, defaults={"first_name": first, "last_name": last, "date_of_birth": dob}
        )
        created["patients"] += was_created
    return created


def login_lines() -> list[str]:
    return [
        f"  {role:<18} {username:<10} / {password}" for username, _, _, role, password in USERS
    ]
