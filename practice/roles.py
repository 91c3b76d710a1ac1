"""The three roles of the app, as Django groups with permissions.

Views and querysets check permissions (`user.has_perm`), never group names, so a practice
can give a person a second role, or a custom group, in the admin.
"""

CLINICIAN = "Clinicians"
MANAGER = "Practice managers"
CATALOG_ADMIN = "Catalog admins"
ROLES = (CLINICIAN, MANAGER, CATALOG_ADMIN)

CATALOG_MODELS = ("procedurecode", "documentationelement", "codeelement", "source")
ROLE_PERMISSIONS = {
    # Creates and edits own drafts, signs own notes, adds addenda, reads the practice's notes.
    CLINICIAN: [
        "checklists.view_note",
        "checklists.add_note",
        "checklists.change_note",
        "checklists.sign_note",
        "checklists.add_addendum",
        "checklists.view_addendum",
        "practice.view_patient",
        "practice.add_patient",
    ]
    + [f"procedures.view_{model}" for model in CATALOG_MODELS],
    # Reads every note, reviews, queries and exports; never edits clinical content.
    MANAGER: [
        "checklists.view_note",
        "checklists.review_notes",
        "checklists.view_addendum",
        "practice.view_patient",
        "audit.view_auditevent",
    ]
    + [f"procedures.view_{model}" for model in CATALOG_MODELS],
    # Edits the catalog in the admin.
    CATALOG_ADMIN: [
        f"procedures.{action}_{model}"
        for model in CATALOG_MODELS
        for action in ("view", "add", "change", "delete")
    ]
    + ["procedures.view_catalogversion"],
}


def ensure_roles(using="default", **kwargs):
    """Create the role groups with their permissions (run after every migrate).

    The permissions of every app named are created first: post_migrate reaches the apps
    one by one, and this app's turn may come before theirs on a new database."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    labels = {name.split(".")[0] for names in ROLE_PERMISSIONS.values() for name in names}
    for label in sorted(labels):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            wanted += list(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.add(*wanted)


def group_names(user) -> frozenset[str]:
    """The user's group names, read once per request (cached on the user object)."""
    if not user.is_authenticated:
        return frozenset()
    if getattr(user, "_group_names", None) is None:
        from .auth_backend import load_access  # with the permissions, in one query

        load_access(user)
    return user._group_names


def role_names(user) -> list[str]:
    if not user.is_authenticated:
        return []
    names = [name for name in ROLES if name in group_names(user)]
    if user.is_superuser and not names:
        names.append("Administrator")
    return names


def is_clinician(user) -> bool:
    return user.is_authenticated and user.has_perm("checklists.sign_note")


def is_manager(user) -> bool:
    return user.is_authenticated and user.has_perm("checklists.review_notes")
