"""Shared fixtures: the shipped catalog, named users, a demo patient."""

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from practice.models import Patient, Practice
from practice.roles import CATALOG_ADMIN, CLINICIAN, MANAGER
from procedures.models import ProcedureCode

PASSWORD = "correct-horse-battery"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The benchmarks' smoke runs (8 to 24 s each, in processes of their own) go first, so
    that with several workers (scripts/test, one test at a time to each) they are spread
    over the workers and none is left running alone at the end."""
    items.sort(key=lambda item: not item.nodeid.startswith("tests/benchmarks/"))


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _signed_pdfs_in_a_scratch_folder(settings, tmp_path):
    settings.STORAGES = settings.STORAGES | {
        "signed_pdfs": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "signed-pdfs")},
        }
    }


@pytest.fixture(scope="session", autouse=True)
def _flush_around_triggers():
    """Tests that use real transactions empty every table afterwards; the audit table's
    append-only triggers and the signed record's guards would (rightly) refuse, and the
    tally triggers would count the notes out of tallies already emptied, so only that
    flush lifts them."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from audit import triggers as audit_triggers
    from checklists import record_guards
    from review import tally_triggers

    original = BaseDatabaseOperations.execute_sql_flush

    def flush(self, sql_list):
        audit_triggers.uninstall(self.connection)
        record_guards.uninstall(self.connection)
        tally_triggers.uninstall(self.connection)
        try:
            original(self, sql_list)
        finally:
            audit_triggers.install(self.connection)
            record_guards.install(self.connection)
            tally_triggers.install(self.connection)

    BaseDatabaseOperations.execute_sql_flush = flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


@pytest.fixture(scope="session", autouse=True)
def _anchors_in_a_scratch_dir(tmp_path_factory):
    """backup_db appends an audit anchor; tests' anchors go to a scratch file, not var/."""
    from django.test import override_settings

    path = tmp_path_factory.mktemp("anchors") / "audit-anchors.jsonl"
    with override_settings(AUDIT_ANCHOR_FILE=path):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The shipped catalog is loaded once per test database; every test's transaction
    # rolls back on top of it.
    with django_db_blocker.unblock():
        call_command("load_catalog", str(settings.CATALOG_FILE), stdout=StringIO())


@pytest.fixture
def catalog(db):
    """The shipped catalog (reloaded if a transactional test flushed it)."""
    if not ProcedureCode.objects.exists():
        call_command("load_catalog", str(settings.CATALOG_FILE), stdout=StringIO())
    return ProcedureCode.objects


def _user(username, first, last, role):
    user = User.objects.create_user(
        username, f"{username}@example.test", PASSWORD, first_name=first, last_name=last
    )
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def practice(db):
    return Practice.objects.create(
        name="Testville Pain Clinic (synthetic)", address="1 Test Road\nTestville, ZZ 00000"
    )


@pytest.fixture
def clinician(db, practice):
    return _user("alice", "Alice", "Testdoc MD", CLINICIAN)


@pytest.fixture
def other_clinician(db, practice):
    return _user("bob", "Bob", "Otherdoc DO", CLINICIAN)


@pytest.fixture
def manager(db, practice):
    return _user("mona", "Mona", "Manager", MANAGER)


@pytest.fixture
def catalog_admin(db, practice):
    user = _user("cat", "Cat", "Admin", CATALOG_ADMIN)
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def patient(db):
    return Patient.objects.create(
        first_name="Zed",
        last_name="Testpatient",
        date_of_birth=datetime.date(1960, 1, 31),
        mrn="TEST-0001",
    )


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client
