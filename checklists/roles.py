"""compat: remove after merge. Roles live in practice.roles."""

from practice.roles import *  # noqa: F401,F403
from practice.roles import CATALOG_ADMIN, CLINICIAN, MANAGER, ROLES  # noqa: F401
