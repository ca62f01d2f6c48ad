"""Gives the "Directory moderators" group what the README promises: moderating suggestions
and problem reports, and seeing referrals' metadata in the admin (never their personal
details: that is the separate view_referral_personal_data permission, not given here)."""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATOR_PERMISSIONS = [
    ("engagement", "suggestion", ["view", "change"]),
    ("engagement", "problemreport", ["view", "change"]),
    ("engagement", "referral", ["view"]),
    ("engagement", "linkworkerprofile", ["view", "add", "change", "delete"]),
]


def _codenames():
    for app_label, model, actions in MODERATOR_PERMISSIONS:
        for action in actions:
            yield app_label, f"{action}_{model}"


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist now.
    config = apps.get_app_config("engagement")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=settings.MODERATORS_GROUP)
    for app_label, codename in _codenames():
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=settings.MODERATORS_GROUP).first()
    if group is None:
        return
    for app_label, codename in _codenames():
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0006_shared_cache_table"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
