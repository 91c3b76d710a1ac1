"""What an attacker with the database file (and DDL rights) does first: drop the guards."""

import contextlib

from django.db import connection

from audit import triggers as audit_triggers
from checklists import record_guards


@contextlib.contextmanager
def guards_dropped():
    """The audit table's and the signed record's triggers dropped, then put back."""
    audit_triggers.uninstall(connection)
    record_guards.uninstall(connection)
    try:
        yield
    finally:
        audit_triggers.install(connection)
        record_guards.install(connection)
