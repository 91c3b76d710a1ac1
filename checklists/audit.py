"""compat: remove after merge. The audit trail lives in the `audit` app; write events with
`AuditEvent.objects.record(...)`. This module only keeps other branches' imports working."""

from audit.chain import GENESIS, chain_hmac, first_broken_link  # noqa: F401
from audit.models import AuditEvent, client_ip  # noqa: F401


def record(action, **kwargs):
    return AuditEvent.objects.record(action, **kwargs)
