"""Django's ModelBackend, with a user's permissions and group names read in one query.

Every signed-in page asks `user.has_perm` (the note scope, the menu) and shows the user's
roles. Django's backend reads the user's own permissions and their groups' permissions in
two queries, and the role badges read the group names in a third: three queries on every
request. `load_access` reads all three in one UNION ALL.

Nothing outlives the request: the results are kept on the user object, which Django builds
again from the session for each request (as its own backend does). A role or permission
taken away in the admin applies from the next request, in every server process.
Superusers keep Django's path: they hold every permission, whatever their groups.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Value


def load_access(user) -> None:
    """Read `user`'s group names and permissions in one query and keep them on the user,
    where Django's backend and `practice.roles.group_names` look first."""
    groups = (
        Group.objects.filter(user=user)
        .values_list("name", "permissions__content_type__app_label", "permissions__codename")
        .order_by()
    )
    own = (
        Permission.objects.filter(user=user)
        .values_list(Value(None, output_field=CharField()), "content_type__app_label", "codename")
        .order_by()
    )
    names, own_perms, group_perms = set(), set(), set()
    for group, app_label, codename in groups.union(own, all=True):
        if group is not None:
            names.add(group)
        if codename is not None:
            (group_perms if group is not None else own_perms).add(f"{app_label}.{codename}")
    user._group_names = frozenset(names)
    if not user.is_superuser:
        user._user_perm_cache = own_perms
        user._group_perm_cache = group_perms
        user._perm_cache = own_perms | group_perms


class OneQueryModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if (
            user_obj.is_active
            and not user_obj.is_anonymous
            and obj is None
            and not user_obj.is_superuser
            and not hasattr(user_obj, "_perm_cache")
        ):
            load_access(user_obj)
        return super().get_all_permissions(user_obj, obj)
