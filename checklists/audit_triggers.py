"""compat: remove after merge. The audit table's triggers live in audit.triggers."""

from audit.triggers import install, uninstall  # noqa: F401
