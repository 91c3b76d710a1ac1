"""The three roles of the app, as Django groups."""

CLINICIAN = "Clinicians"
MANAGER = "Practice managers"
CATALOG_ADMIN = "Catalog admins"
ROLES = (CLINICIAN, MANAGER, CATALOG_ADMIN)


def group_names(user) -> frozenset[str]:
    """The user's group names, read once per request (cached on the user object)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._group_names = cached
    return cached


def role_names(user) -> list[str]:
    if not user.is_authenticated:
        return []
    names = [name for name in ROLES if name in group_names(user)]
    if user.is_superuser and not names:
        names.append("Administrator")
    return names


def is_clinician(user) -> bool:
    return CLINICIAN in group_names(user)


def is_manager(user) -> bool:
    return MANAGER in group_names(user)
