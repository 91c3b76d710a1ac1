"""The three roles of the app, as Django groups."""

CLINICIAN = "Clinicians"
MANAGER = "Practice managers"
CATALOG_ADMIN = "Catalog admins"
ROLES = (CLINICIAN, MANAGER, CATALOG_ADMIN)


def role_names(user) -> list[str]:
    if not user.is_authenticated:
        return []
    names = [group.name for group in user.groups.all() if group.name in ROLES]
    if user.is_superuser and not names:
        names.append("Administrator")
    return names


def is_clinician(user) -> bool:
    return user.is_authenticated and user.groups.filter(name=CLINICIAN).exists()


def is_manager(user) -> bool:
    return user.is_authenticated and user.groups.filter(name=MANAGER).exists()
