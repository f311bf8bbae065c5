"""Create the demo council: one user per role and, app by app, the demo data. Idempotent."""

from __future__ import annotations

import importlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from config.roles import FACILITATOR, MANAGER, REGISTER_ADMIN, RESPONDENT

# Demo accounts only: printed on the console by `make run`. Never run seed_demo on a live system.
DEMO_USERS = (
    # username, password, first, last, email, role
    ("officer", "register-demo-2026", "Priya", "Shah", "priya.shah@demo-council.example", REGISTER_ADMIN),
    ("facilitator", "facilitate-demo-2026", "Tom", "Okafor", "tom.okafor@demo-council.example", FACILITATOR),
    ("manager", "manage-demo-2026", "Helen", "Marsh", "helen.marsh@demo-council.example", MANAGER),
    ("respondent", "respond-demo-2026", "Sam", "Patel", "sam.patel@demo-council.example", RESPONDENT),
)

# Each app that has demo data exposes ``create_demo(users: dict[str, User], stdout) -> None``;
# they run in this order because later ones build on earlier ones.
DEMO_MODULES = ("partnerships.demo", "assessments.demo", "reports.demo")


class Command(BaseCommand):
    help = "Create the demo council's users (one per role) and demo data. Running it twice changes nothing."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            users = self.create_users()
            for module_name in DEMO_MODULES:
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                module.create_demo(users, self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo accounts (sign in at http://127.0.0.1:8000/accounts/login/):"))
        for username, password, first, last, _email, role in DEMO_USERS:
            self.stdout.write(f"  {role:<24} username: {username:<12} password: {password}   ({first} {last})")

    def create_users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, password, first, last, email, role in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last, "email": email}
            )
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users
