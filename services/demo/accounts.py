"""The demo sign-ins. Their passwords are published in the README, which is why seed_demo
refuses to run unless DEBUG or DEMO_MODE is on."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User

from services.models import Organisation, OrganisationMembership

MODERATOR_USERNAME, MODERATOR_PASSWORD = "moderator", "demo-moderator-2026"
EDITOR_USERNAME, EDITOR_PASSWORD = "editor", "demo-editor-2026"
MANAGER_USERNAME, MANAGER_PASSWORD = "manager", "demo-manager-2026"
LINK_WORKER_USERNAME, LINK_WORKER_PASSWORD = "linkworker", "demo-linkworker-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    first_name: str
    role: str  # what the account is for, as printed after seeding
    is_staff: bool
    group_setting: str = ""  # name of the setting holding the group's name
    membership_role: str = ""  # role in the demo member organisation


DEMO_USERS = (
    DemoUser(
        MODERATOR_USERNAME,
        MODERATOR_PASSWORD,
        "Morven",
        "directory moderator: every listing, review queue",
        True,
        group_setting="MODERATORS_GROUP",
    ),
    DemoUser(
        EDITOR_USERNAME,
        EDITOR_PASSWORD,
        "Eilidh",
        "editor of {organisation}",
        True,
        membership_role=OrganisationMembership.Role.EDITOR,
    ),
    DemoUser(
        MANAGER_USERNAME,
        MANAGER_PASSWORD,
        "Callum",
        "manager of {organisation}",
        True,
        membership_role=OrganisationMembership.Role.MANAGER,
    ),
    DemoUser(
        LINK_WORKER_USERNAME,
        LINK_WORKER_PASSWORD,
        "Lorna",
        "link worker: shortlists and referrals",
        False,
        group_setting="LINK_WORKERS_GROUP",
    ),
)


def ensure_demo_users() -> tuple[dict[str, User], int]:
    """Creates any missing demo account and puts it in its group. Existing accounts keep
    their password and details. Returns the users by username and how many were created."""
    users: dict[str, User] = {}
    created = 0
    for spec in DEMO_USERS:
        user = get_user_model().objects.filter(username=spec.username).first()
        if user is None:
            user = _create_user(spec)
            created += 1
        if spec.group_setting:
            group, _ = Group.objects.get_or_create(name=getattr(settings, spec.group_setting))
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
        users[spec.username] = user
    return users, created


def _create_user(spec: DemoUser):
    user = get_user_model()(
        username=spec.username,
        first_name=spec.first_name,
        last_name="(demo)",
        email=f"{spec.username}@example.org",
        is_staff=spec.is_staff,
    )
    user.set_password(spec.password)
    user.save()
    return user


def ensure_memberships(users: dict[str, User], organisation: Organisation) -> int:
    """Gives the editor and manager accounts their role in the demo member organisation."""
    created = 0
    for spec in DEMO_USERS:
        if spec.membership_role:
            _, was_created = OrganisationMembership.objects.get_or_create(
                user=users[spec.username],
                organisation=organisation,
                defaults={"role": spec.membership_role},
            )
            created += was_created
    return created


def sign_in_lines(organisation_name: str) -> list[str]:
    return [
        f"  {spec.username} / {spec.password}  ({spec.role.format(organisation=organisation_name)})"
        for spec in DEMO_USERS
    ]
