"""The four roles of SPEC section 1 as Django groups, and the permissions each one holds.

Each app's migrations call ``grant`` for the permissions of the models it adds, so a fresh database
and an upgraded one end with the same groups and permissions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

RESPONDENT = "Respondent"
FACILITATOR = "Facilitator"
MANAGER = "Manager"
REGISTER_ADMIN = "Register administrator"
ROLES = (RESPONDENT, FACILITATOR, MANAGER, REGISTER_ADMIN)


def grant(apps, schema_editor, mapping: Mapping[str, Iterable[str]]) -> None:
    """Give each group (created if missing) the permissions ``app_label.codename`` listed for it."""

    # Permissions are normally created after all migrations; create them now so they can be granted.
    for app_config in apps.get_app_configs():
        if apps is global_apps:
            create_permissions(app_config, verbosity=0)
            continue
        app_config.models_module = True  # historical app configs have none; create_permissions needs one
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, perms in mapping.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for perm in perms:
            app_label, codename = perm.split(".")
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            group.permissions.add(permission)


def user_roles(user) -> set[str]:
    """Return the names of the role groups the user belongs to (every role for a superuser)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(ROLES)
    cached = getattr(user, "_phc_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._phc_roles = cached  # noqa: SLF001 (a per-request cache on the user, like Django's _perm_cache)
    return cached
