"""Rule packs loaded and a Medicare patient, for the end-to-end rule tests."""

import pytest

from rules.models import Payer
from rules.pack_file import parse_packs
from rules.pack_loader import load_packs
from rules.services import set_coverage
from tests.rules.history import PACKS


@pytest.fixture
def packs(db, catalog):
    load_packs(parse_packs(sorted(PACKS.glob("*.toml"))))


@pytest.fixture
def medicare(packs):
    return Payer.objects.create(name="Medicare (test)", kind=Payer.Kind.MEDICARE)


@pytest.fixture
def medicare_patient(patient, medicare):
    set_coverage(patient, payer=medicare)
    return patient
