"""A user's permissions and roles come from one query per request, and nothing outlives it."""

from django.contrib.auth.models import Group, Permission, User

from practice.roles import CLINICIAN, MANAGER, group_names, role_names

# What the Clinicians role holds (practice/roles.py), written out: a test of the backend,
# not of the role table.
CLINICIAN_PERMISSIONS = {
    "checklists.view_note",
    "checklists.add_note",
    "checklists.change_note",
    "checklists.sign_note",
    "checklists.add_addendum",
    "checklists.view_addendum",
    "practice.view_patient",
    "practice.add_patient",
    "procedures.view_procedurecode",
    "procedures.view_documentationelement",
    "procedures.view_codeelement",
    "procedures.view_source",
}


def fresh(user):
    """The user as the next request sees it: built again, no caches."""
    return User.objects.get(pk=user.pk)


def test_a_clinicians_permissions_and_roles_take_one_query(clinician, django_assert_num_queries):
    user = fresh(clinician)
    with django_assert_num_queries(1):
        assert user.get_all_permissions() == CLINICIAN_PERMISSIONS
        assert user.has_perm("checklists.sign_note")
        assert not user.has_perm("checklists.review_notes")
        assert role_names(user) == [CLINICIAN]


def test_roles_asked_first_bring_the_permissions_in_the_same_query(
    clinician, django_assert_num_queries
):
    user = fresh(clinician)
    with django_assert_num_queries(1):
        assert role_names(user) == [CLINICIAN]
        assert user.has_perm("checklists.add_note")


def test_own_permissions_and_two_roles_add_up(clinician):
    clinician.groups.add(Group.objects.get_or_create(name=MANAGER)[0])
    clinician.user_permissions.add(Permission.objects.get(codename="view_catalogversion"))
    user = fresh(clinician)
    assert user.get_all_permissions() == CLINICIAN_PERMISSIONS | {
        "checklists.review_notes",
        "audit.view_auditevent",
        "procedures.view_catalogversion",
    }
    assert user.get_user_permissions() == {"procedures.view_catalogversion"}
    assert "procedures.view_catalogversion" not in user.get_group_permissions()
    assert role_names(user) == [CLINICIAN, MANAGER]


def test_a_group_without_permissions_is_read_and_grants_nothing(db):
    user = User.objects.create_user("desk", password="x-password-1")
    user.groups.add(Group.objects.create(name="Front desk"))  # no permissions, not a role
    user = fresh(user)
    assert user.get_all_permissions() == set()
    assert group_names(user) == {"Front desk"}
    assert role_names(user) == []


def test_an_inactive_user_has_no_permission(clinician):
    clinician.is_active = False
    clinician.save()
    assert fresh(clinician).get_all_permissions() == set()
    assert not fresh(clinician).has_perm("checklists.view_note")


def test_a_superuser_holds_every_permission(db):
    admin = fresh(User.objects.create_superuser("root", "root@example.test", "x-password-1"))
    assert admin.has_perm("checklists.review_notes")
    assert len(admin.get_all_permissions()) == Permission.objects.count()
    assert role_names(admin) == ["Administrator"]


def test_a_role_taken_away_applies_from_the_next_request(clinician_client, clinician):
    assert clinician_client.get("/notes/").status_code == 200
    clinician.groups.clear()
    assert clinician_client.get("/notes/").status_code == 403
    clinician.groups.add(Group.objects.get(name=CLINICIAN))
    assert clinician_client.get("/notes/").status_code == 200
