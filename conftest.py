"""Fixtures shared by every test: real Chromium through Playwright, with axe-core on every page visited."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("PHC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parent / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class AccessibilityLedger:
    """Records every page a browser test loaded and every page axe-core checked."""

    def __init__(self) -> None:
        self.loaded: list[str] = []
        self.checked: set[str] = set()


@pytest.fixture
def page(browser, request) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    # Generous: the test machine may be shared and busy, and a slow page is not what these tests look for.
    page.set_default_timeout(45_000)
    page.set_default_navigation_timeout(45_000)
    ledger = AccessibilityLedger()
    page.on("load", lambda p: ledger.loaded.append(_path(p.url)))
    page.phc_ledger = ledger
    page.phc_test_name = request.node.name
    yield page
    context.close()
    unchecked = [url for url in dict.fromkeys(ledger.loaded) if url not in ledger.checked]
    if unchecked and not request.node.rep_call_failed:
        pytest.fail(f"these pages were visited but not checked with axe-core: {unchecked}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call_failed = report.failed
    elif not hasattr(item, "rep_call_failed"):
        item.rep_call_failed = report.failed


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def assert_accessible(page, screenshot: str | None = None) -> None:
    """Run axe-core on the current page; fail on any violation, whatever its impact. Optionally screenshot."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    results = Axe().run(page)
    violations = results.response["violations"]
    page.phc_ledger.checked.add(_path(page.url))
    if screenshot:
        folder = SCREENSHOTS / page.phc_test_name
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{screenshot}.png"), full_page=True)
    if violations:
        lines = [
            f"{v['impact']}: {v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in violations
        ]
        raise AssertionError(f"axe-core found violations on {page.url}:\n" + "\n".join(lines))


def sign_in(page, live_server, username: str, password: str, next_path: str = "/") -> None:
    """Sign in through the real sign-in page (checked with axe-core on the way)."""
    for attempt in range(2):
        page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
        page.wait_for_load_state("load")
        assert_accessible(page)
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        # Wait for the navigation the click starts: "load" alone can be the sign-in page's own, and a page.goto
        # that follows would then cancel the sign-in's POST (seen as a CSRF failure or a signed-out next page).
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
        # Once in a few hundred runs, after the test cleared the cookies while a page was still arriving, the POST
        # met a CSRF cookie other than its form's (root cause not found): one more try from a fresh sign-in page.
        if "/accounts/login/" not in page.url or attempt:
            break
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


PROJECT_APPS = ("partnerships", "assessments", "results", "reports")


def restore_reference_data() -> None:
    """Run the project's data migrations again (roles, their permissions, the instrument) after a flush."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    if Group.objects.exists():
        return
    ContentType.objects.clear_cache()
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan: list[tuple[str, str]] = []  # every project migration, dependencies first
    for leaf in loader.graph.leaf_nodes():
        for node in loader.graph.forwards_plan(leaf):
            if node[0] in PROJECT_APPS and node not in plan:
                plan.append(node)
    with connection.schema_editor(atomic=True) as editor:
        for key in plan:
            for operation in loader.disk_migrations[key].operations:
                if isinstance(operation, RunPython):
                    # The real app registry stands in for the historical one; the stubs accept only StateApps.
                    operation.code(global_apps, editor)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    """Transactional tests (the browser tests) flush the database, including what the data migrations made.
    Put it back before each such test, so every test starts from the same reference data. (pytest-django runs
    the transactional tests after all the others, so only they can find the data gone.)"""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        restore_reference_data()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A test database kept by --reuse-db may have been flushed by a transactional test of the last run:
    put the reference data back once per session."""
    with django_db_blocker.unblock():
        restore_reference_data()


# --- Users of each role, and clients signed in as them (shared by every app's tests) -----------------------


def _user(username: str, role: str | None = None, **fields):
    from partnerships.tests.factories import UserFactory

    return UserFactory(username=username, roles=[role] if role else [], **fields)


@pytest.fixture
def officer(db):
    """A register administrator."""
    from config.roles import REGISTER_ADMIN

    return _user("officer", REGISTER_ADMIN, first_name="Priya", last_name="Shah")


@pytest.fixture
def manager(db):
    from config.roles import MANAGER

    return _user("manager", MANAGER, first_name="Helen", last_name="Marsh")


@pytest.fixture
def second_manager(db):
    from config.roles import MANAGER

    return _user("manager2", MANAGER)


@pytest.fixture
def facilitator(db):
    from config.roles import FACILITATOR

    return _user("facilitator", FACILITATOR)


@pytest.fixture
def respondent(db):
    from config.roles import RESPONDENT

    return _user("respondent", RESPONDENT)


@pytest.fixture
def nobody(db):
    """A signed-in user with no role."""
    return _user("nobody")


@pytest.fixture
def as_user():
    """Return a client signed in as the given user."""
    from django.test import Client

    def sign_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in
