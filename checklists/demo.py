"""compat: remove after merge. The demo practice lives in practice.demo."""

from practice.demo import PATIENTS, PRACTICE, USERS, login_lines, seed_practice  # noqa: F401
