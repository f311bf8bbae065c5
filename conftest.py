"""Fixtures shared by every test: real Chromium through Playwright, with axe-core on every page visited."""

from __future__ import annotations

import io
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
# Screenshots are for people to look at, not checked by anything: a full-page PNG of every page checked costs a
# fifth of the browser tests' time, so only when asked (PHC_SCREENSHOTS=1 make test).
TAKE_SCREENSHOTS = os.environ.get("PHC_SCREENSHOTS", "") not in {"", "0"}


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
    """Run axe-core on the current page; fail on any violation, whatever its impact. With ``screenshot`` (and
    PHC_SCREENSHOTS set), also save a full-page screenshot under var/screenshots/<test>/."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    results = Axe().run(page)
    violations = results.response["violations"]
    page.phc_ledger.checked.add(_path(page.url))
    if screenshot and TAKE_SCREENSHOTS:
        folder = SCREENSHOTS / page.phc_test_name
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{screenshot}.png"), full_page=True)
    if violations:
        lines = [
            f"{v['impact']}: {v['id']}: {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in violations
        ]
        raise AssertionError(f"axe-core found violations on {page.url}:\n" + "\n".join(lines))


def sign_in(page, live_server, username: str, password: str, next_path: str = "/") -> None:
    """Sign ``username`` in and open ``next_path`` (which the test then checks with axe-core).

    The session is made as the sign-in page makes it (``login()``, its signal and a session row) and handed to the
    browser as its cookie: the sign-in page itself, two page loads and an axe-core run, is what
    ``sign_in_with_the_form`` and the tests that call it check, not every browser test again.
    """
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client

    user = User.objects.get(username=username)
    assert user.check_password(password), f"{username} could not sign in"
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True, "sameSite": "Lax"}]
    )
    page.goto(f"{live_server.url}{next_path}")
    page.wait_for_load_state("load")
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"


def sign_in_with_the_form(page, live_server, username: str, password: str, next_path: str = "/") -> None:
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


def _is_transactional(item: pytest.Item) -> bool:
    """Whether the test commits, so that the database is flushed after it (pytest-django's own rule)."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(fixtures)
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests first (the slowest of them first), the longest of the suite: the parallel workers share
    them out from the start and then finish together on the short ones, rather than one running a long browser
    test alone at the end.
    (pytest-django's own order, ordinary database tests before transactional ones, stays within each part.)"""

    def part(item: pytest.Item) -> int:
        if item.get_closest_marker("browser"):
            return 0 if item.get_closest_marker("slow") else 1
        return 2

    items.sort(key=part)  # a stable sort: the order within each part is kept


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    """A transactional test ends by flushing the database, including what the data migrations made: put it back
    at once (committed), so that every later test, transactional or not, starts from the same reference data."""
    yield
    if nextitem is not None and _is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            restore_reference_data()


@pytest.fixture(autouse=True)
def _reference_data_for_transactional_tests(request):
    """Transactional tests (the browser tests) flush the database, including what the data migrations made.
    The teardown above puts it back; this makes sure of it before each such test (a no-op when it is there)."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        restore_reference_data()
    yield


# --- The demo council, seeded once per worker -------------------------------------------------------------


class DemoSnapshot:
    """Every model table's rows just after ``seed_demo``, copied out of PostgreSQL in its binary format.

    Seeding the demo council takes seconds (hundreds of rows through the services, a PDF); copying its rows back
    takes a fraction of one. Restoring gives exactly what seeding gave when the snapshot was taken, ids included.
    """

    def __init__(self, tables: dict[str, bytes], output: str) -> None:
        self.tables = tables
        self.output = output  # what seed_demo printed

    @classmethod
    def take(cls, output: str) -> DemoSnapshot:
        from django.db import connection

        # The tables a flush empties: every model's, not django_migrations nor the cache table.
        names = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
        tables = {}
        with connection.cursor() as cursor:
            for table in names:
                buffer = io.BytesIO()
                sql = f"COPY {connection.ops.quote_name(table)} TO STDOUT (FORMAT binary)"
                cursor.cursor.copy_expert(sql, buffer)
                tables[table] = buffer.getvalue()
        return cls(tables, output)

    def restore(self) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection, transaction

        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: the tables load in any order and are checked
            # at the end. The sequences are left alone: they only grew since the snapshot's rows were made (a flush
            # does not reset them), so no id is handed out twice in a session.
            cursor.execute("TRUNCATE " + ", ".join(quote(table) for table in self.tables))
            for table, rows in self.tables.items():
                cursor.cursor.copy_expert(f"COPY {quote(table)} FROM STDIN (FORMAT binary)", io.BytesIO(rows))
        ContentType.objects.clear_cache()  # the snapshot's content types may have other ids than the cached ones


_demo_snapshot: list[DemoSnapshot] = []  # at most one, per worker process


@pytest.fixture
def demo_council(request) -> str:
    """The demo council (``manage.py seed_demo``): its users of each role, register, rounds and reports. Returns
    what the command printed when it seeded them (for the tests of the command itself).

    Seeded for real by the first test of a worker that asks for it, then copied back from that snapshot (the same
    rows, in a fraction of the time) for every later one. Works in transactional and ordinary tests alike. Ask
    for it before any fixture that adds rows: restoring replaces every row of every table.
    """
    from django.core.management import call_command

    marker = request.node.get_closest_marker("django_db")
    request.getfixturevalue("transactional_db" if marker and marker.kwargs.get("transaction") else "db")
    if _demo_snapshot:
        _demo_snapshot[0].restore()
        return _demo_snapshot[0].output
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    _demo_snapshot.append(DemoSnapshot.take(out.getvalue()))
    return out.getvalue()


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
