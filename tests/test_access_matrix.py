"""Every URL pattern x six viewers x GET and POST, against the rules (issue 13).

The patterns are read from the URL configuration, so a new URL without an entry in ``EXPECTED`` fails
``test_every_url_pattern_has_a_rule``. Each entry gives, for GET and for POST, one letter per viewer in the order
of ``VIEWERS``:

- ``A`` allowed: the view runs (a page, a redirect after a message, form errors, 404 for a missing sheet, 410 for
  a closed round's link: anything but a refusal);
- ``D`` denied: 403;
- ``L`` sent to the sign-in page (the site's, or the admin's);
- ``N`` the method is not allowed (405).

The data: partnership P with an open round and a closed round (3 responses) run by ``facilitator``, to which
``respondent`` is invited; ``other_facilitator`` has created a draft round on P (which must show them nothing of
the first facilitator's rounds) and runs a round on another partnership.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from assessments.models import ActionItem, RoundState
from assessments.services import round_close
from assessments.tests.factories import InvitationFactory, RoundFactory, submitted_response
from config.roles import FACILITATOR, MANAGER, REGISTER_ADMIN, RESPONDENT
from partnerships.tests.factories import PartnershipFactory, RiskFactory, UserFactory

pytestmark = pytest.mark.django_db

VIEWERS = ("signed_out", "respondent", "facilitator", "other_facilitator", "manager", "register_admin")

ANYONE = "AAAAAA"
SIGNED_IN = "LAAAAA"
NOT_ALLOWED = "NNNNNN"
# Who keeps the register, who reads it.
REGISTER_READERS = "LDAAAA"  # facilitators of a round of it (both: the other has a draft round on P), managers, admins
REGISTER_KEEPERS = "LDDDDA"
WHOLE_REGISTER = "LDDDAA"
MANAGERS = "LDDDAD"
FACILITATORS_AND_MANAGERS = "LDAAAD"
FACILITATORS = "LDAADD"
# One round: its facilitator runs it, managers look.
ROUND_READERS = "LDADAD"
ROUND_RUNNER = "LDADDD"

EXPECTED: dict[str, tuple[str, str]] = {
    # route: (GET, POST)
    "": (ANYONE, NOT_ALLOWED),  # the home page (what waits for each role) is GET only
    "help/": (ANYONE, ANYONE),
    "healthz": (ANYONE, ANYONE),
    "accounts/login/": (ANYONE, ANYONE),
    "accounts/logout/": (NOT_ALLOWED, ANYONE),
    "accounts/password_change/": (SIGNED_IN, SIGNED_IN),
    "accounts/password_change/done/": (SIGNED_IN, "LNNNNN"),
    "accounts/password_reset/": (ANYONE, ANYONE),
    "accounts/password_reset/done/": (ANYONE, NOT_ALLOWED),
    "accounts/reset/<uidb64>/<token>/": (ANYONE, ANYONE),
    "accounts/reset/done/": (ANYONE, NOT_ALLOWED),
    # Each signed-in person's own choice of emails (notifications/rules.py).
    "accounts/notifications/": (SIGNED_IN, SIGNED_IN),
    # The register (partnerships/rules.py).
    "partnerships/": (REGISTER_READERS, "LDNNNN"),
    "partnerships/new/": (REGISTER_KEEPERS, REGISTER_KEEPERS),
    "partnerships/reviews/": (WHOLE_REGISTER, "LDDDNN"),
    "partnerships/<int:pk>/": (REGISTER_READERS, "LDNNNN"),
    "partnerships/<int:pk>/edit/": (REGISTER_KEEPERS, REGISTER_KEEPERS),
    # P is active: its gateway is decided, so nobody changes it any more.
    "partnerships/<int:pk>/gateway/": (WHOLE_REGISTER, "LDDDDD"),
    "partnerships/<int:pk>/gateway/decision/": ("LDDDND", MANAGERS),
    "partnerships/<int:pk>/outside-body/": (WHOLE_REGISTER, REGISTER_KEEPERS),
    "partnerships/<int:pk>/exit/": (WHOLE_REGISTER, REGISTER_KEEPERS),
    "partnerships/<int:pk>/significance/": (WHOLE_REGISTER, MANAGERS),
    "partnerships/export.csv": (REGISTER_READERS, "LDNNNN"),
    "partnerships/export.xlsx": (REGISTER_READERS, REGISTER_READERS),  # POST: a large register's workbook by a task
    # The risk register: administrators keep it, managers and the facilitators of P's rounds read it.
    "partnerships/risks/": (REGISTER_READERS, "LDNNNN"),
    "partnerships/<int:pk>/risks/": (REGISTER_READERS, "LDNNNN"),
    "partnerships/<int:pk>/risks/new/": (REGISTER_KEEPERS, REGISTER_KEEPERS),
    "partnerships/<int:pk>/risks/<int:risk_pk>/": (REGISTER_KEEPERS, REGISTER_KEEPERS),
    # Rounds (assessments/rules.py).
    "rounds/": (FACILITATORS_AND_MANAGERS, FACILITATORS_AND_MANAGERS),
    "rounds/new/": (FACILITATORS, FACILITATORS),
    "rounds/<int:pk>/": (ROUND_READERS, ROUND_READERS),
    "rounds/<int:pk>/edit/": (ROUND_RUNNER, ROUND_RUNNER),
    "rounds/<int:pk>/state/": ("LDNDDD", ROUND_RUNNER),
    "rounds/<int:pk>/close/": (ROUND_RUNNER, ROUND_RUNNER),
    "rounds/<int:pk>/reopen/": ("LDNDDD", ROUND_RUNNER),
    "rounds/<int:pk>/invitations/": (ROUND_RUNNER, ROUND_RUNNER),
    "rounds/<int:pk>/invitations/add/": ("LDNDDD", ROUND_RUNNER),
    "rounds/<int:pk>/invitations/import/": ("LDNDDD", ROUND_RUNNER),
    "rounds/<int:pk>/invitations/import/confirm/": ("LDNDDD", ROUND_RUNNER),
    "rounds/<int:pk>/invitations/send/": ("LDNDDD", ROUND_RUNNER),
    "rounds/<int:pk>/invitations/remind/": (ROUND_RUNNER, ROUND_RUNNER),  # GET: the confirmation page
    "rounds/<int:pk>/invitations/emails/": ("LDNDDD", ROUND_RUNNER),
    "rounds/<int:pk>/invitations/<int:invitation_pk>/revoke/": ("LDNDDD", ROUND_RUNNER),
    "rounds/<int:pk>/invitations/<int:invitation_pk>/resend/": ("LDNDDD", ROUND_RUNNER),
    "rounds/<int:pk>/emails/<int:email_pk>/resend/": ("LDNDDD", ROUND_RUNNER),
    # The respondent's journey: the personal link is the key, for whoever holds it (no sign-in).
    "respond/<str:token>/": (ANYONE, ANYONE),
    "respond/<str:token>/welcome/": (ANYONE, ANYONE),
    "respond/<str:token>/principle/<int:number>/": (ANYONE, ANYONE),
    "respond/<str:token>/significance/": (ANYONE, ANYONE),
    "respond/<str:token>/success/": (ANYONE, ANYONE),
    "respond/<str:token>/review/": (ANYONE, ANYONE),
    "respond/<str:token>/saved/": (ANYONE, ANYONE),
    "respond/<str:token>/thanks/": (ANYONE, ANYONE),
    # Each signed-in person's own invitations only.
    "my/": (SIGNED_IN, SIGNED_IN),
    # Results (results/rules.py): the round's facilitator and managers; the plan is the facilitator's.
    "rounds/<int:pk>/results/": (ROUND_READERS, ROUND_READERS),
    "rounds/<int:pk>/results/respondents/<int:number>/": (ROUND_READERS, ROUND_READERS),
    "rounds/<int:pk>/workshop/": (ROUND_READERS, ROUND_READERS),
    "rounds/<int:pk>/workshop/present/": (ROUND_READERS, ROUND_READERS),
    "rounds/<int:pk>/results.json": (ROUND_READERS, ROUND_READERS),
    "rounds/<int:pk>/responses.csv": (ROUND_READERS, ROUND_READERS),
    "rounds/<int:pk>/actions/": (ROUND_READERS, ROUND_RUNNER),
    "rounds/<int:pk>/actions/<int:action_id>/edit/": (ROUND_RUNNER, ROUND_RUNNER),
    # Reports (reports/rules.py).
    "rounds/<int:pk>/dartboard.<str:fmt>": (ROUND_READERS, ROUND_READERS),
    "rounds/<int:pk>/results.xlsx": (ROUND_READERS, ROUND_READERS),
    "reports/": (FACILITATORS_AND_MANAGERS, FACILITATORS_AND_MANAGERS),
    # Asked for by POST; a worker prepares it; only the person who asked sees or downloads it (none here).
    "reports/portfolio/<int:year>/prepare": ("LDDDND", MANAGERS),
    "reports/prepared/<int:pk>/": ("LDDDDD", "LDDDDD"),
    "reports/prepared/<int:pk>/download": ("LDDDDD", "LDDDDD"),
    "reports/prepared/<int:pk>/retry": ("LDDDDD", "LDDDDD"),
    # Both facilitators have a round on P: the report gives each only their own rounds' results.
    "reports/partnerships/<int:pk>/<int:year>.pdf": (FACILITATORS_AND_MANAGERS, FACILITATORS_AND_MANAGERS),
    # The council's view of itself (issue 19, points 3 and 5): managers only; this year's review is not yet
    # prepared in this data (a manager gets "not found", anyone else 403).
    "reports/standards/": (MANAGERS, MANAGERS),
    "reports/audit/": ("LDDDND", MANAGERS),
    "reports/audit/<int:year>/": (MANAGERS, MANAGERS),
    "reports/audit/<int:year>/issue/": ("LDDDND", MANAGERS),
    "reports/audit/<int:year>.pdf": (MANAGERS, "LDDDND"),
}
# The admin is for superusers only: every role account is sent to the admin's sign-in page.
ADMIN = ("LLLLLL", "LLLLLL")


def url_patterns(patterns=None, prefix: str = "") -> list[tuple[str, URLPattern]]:
    """Return (route, pattern) for every URL pattern of the project, however deeply included."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += url_patterns(pattern.url_patterns, route)
        else:
            found.append((route, pattern))
    return found


def expected_for(route: str) -> tuple[str, str] | None:
    return ADMIN if route.startswith("admin/") else EXPECTED.get(route)


def test_every_url_pattern_has_a_rule():
    missing = sorted({route for route, _ in url_patterns() if expected_for(route) is None})
    assert missing == [], "Add each new URL to EXPECTED with the answer of every viewer (tests/test_access_matrix.py)"
    stale = sorted(set(EXPECTED) - {route for route, _ in url_patterns()})
    assert stale == []


def test_a_url_without_a_rule_fails_the_matrix(monkeypatch):
    from django.urls import path

    extra = path("new-page/", lambda request: None, name="new_page")
    resolver = get_resolver()
    monkeypatch.setitem(resolver.__dict__, "url_patterns", [*resolver.url_patterns, extra])
    with pytest.raises(AssertionError, match="Add each new URL"):
        test_every_url_pattern_has_a_rule()


# --- The data and the viewers ---------------------------------------------------------------------------


@pytest.fixture
def world():
    facilitator = UserFactory(username="matrix-facilitator", roles=[FACILITATOR])
    other = UserFactory(username="matrix-other", roles=[FACILITATOR])
    respondent = UserFactory(username="matrix-respondent", roles=[RESPONDENT], email="resp@partner.example")
    manager = UserFactory(username="matrix-manager", roles=[MANAGER])
    officer = UserFactory(username="matrix-officer", roles=[REGISTER_ADMIN])
    partnership = PartnershipFactory(active=True, is_outside_body=True)
    open_round = RoundFactory(partnership=partnership, facilitator=facilitator, state=RoundState.OPEN)
    invitation = InvitationFactory(round=open_round, user=respondent, email=respondent.email)
    closed = RoundFactory(partnership=partnership, facilitator=facilitator, state=RoundState.OPEN)
    for _ in range(3):
        submitted_response(closed, [3] * 36)
    InvitationFactory(round=closed, user=respondent, email=respondent.email)
    closed = round_close(closed)
    RoundFactory(partnership=partnership, facilitator=other, state=RoundState.DRAFT)
    RoundFactory(facilitator=other, state=RoundState.OPEN)
    action = ActionItem.objects.create(
        round=closed,
        principle=closed.instrument.principles.get(number=1),
        description="Agree a shared purpose",
        owner="Board",
        due_date=timezone.localdate() + timedelta(days=30),
    )
    risk = RiskFactory(partnership=partnership)
    return {
        "users": {
            "signed_out": None,
            "respondent": respondent,
            "facilitator": facilitator,
            "other_facilitator": other,
            "manager": manager,
            "register_admin": officer,
        },
        "partnership": partnership,
        "open_round": open_round,
        "closed_round": closed,
        "invitation": invitation,
        "action": action,
        "risk": risk,
    }


def concrete_url(route: str, pattern: URLPattern, world: dict) -> str:
    """The route with each parameter filled from the data (a round's pages use the round the route needs)."""
    results_like = any(
        part in route for part in ("results", "workshop", "responses.csv", "actions", "dartboard", "reports/")
    )
    round_ = world["closed_round"] if results_like else world["open_round"]
    pk = world["partnership"].pk if route.startswith(("partnerships/", "reports/partnerships/")) else round_.pk
    values = {
        "pk": pk,
        "token": world["invitation"].token,
        "number": 1,
        "invitation_pk": world["invitation"].pk,
        "action_id": world["action"].pk,
        "risk_pk": world["risk"].pk,
        "uidb64": "MQ",  # a password-reset link that is not valid: the page says so to anyone
        "email_pk": 999999,  # none: the round's facilitator gets "not found", anyone else 403
        "year": timezone.localdate().year,
        "fmt": "svg",
    }
    url = "/" + route
    for name in pattern.pattern.converters:
        candidates = [f"<{kind}:{name}>" for kind in ("int", "str", "slug", "path")] + [f"<{name}>"]
        placeholder = next(p for p in candidates if p in url)
        url = url.replace(placeholder, str(values[name]))
    return url


def outcome(response) -> str:
    if response.status_code == 403:
        return "D"
    if response.status_code == 405:
        return "N"
    if response.status_code in (301, 302) and "/login/" in response.get("Location", ""):
        return "L"
    return "A"


def _clients(world: dict) -> dict[str, Client]:
    clients = {}
    for name, user in world["users"].items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[name] = client
    return clients


def _routes() -> list[str]:
    return sorted({route for route, _ in url_patterns() if not route.startswith("admin/")})


@pytest.mark.parametrize("route", _routes())
def test_each_url_answers_each_viewer_as_the_rules_say(route, world, mailoutbox):
    pattern = dict(url_patterns())[route]
    url = concrete_url(route, pattern, world)
    clients = _clients(world)
    expected_get, expected_post = EXPECTED[route]
    # The register administrator and the facilitator come last for POSTs: their POSTs may change the data.
    for method, expected in (("get", expected_get), ("post", expected_post)):
        got = "".join(outcome(getattr(clients[viewer], method)(url)) for viewer in VIEWERS)
        assert got == expected, f"{method.upper()} {url}: expected {expected}, got {got} (order {VIEWERS})"


def test_the_admin_is_for_superusers_only(world):
    """Every admin page without parameters, for every role account and anyone signed out."""
    clients = _clients(world)
    checked = 0
    for route, pattern in url_patterns():
        if not route.startswith("admin/") or pattern.pattern.converters or "<" in route:
            continue
        url = "/" + route
        if url.endswith(("login/", "logout/")) or "^" in url:
            continue
        for method in ("get", "post"):
            got = "".join(outcome(getattr(clients[viewer], method)(url)) for viewer in VIEWERS)
            assert got == "LLLLLL", f"{method.upper()} {url}: {got}"
        checked += 1
    assert checked >= 10
    superuser = UserFactory(username="matrix-root")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200


def test_staff_role_accounts_do_not_reach_the_admin(world):
    for name in ("facilitator", "manager", "register_admin"):
        user = world["users"][name]
        user.is_staff = True
        user.save()
        client = Client()
        client.force_login(user)
        assert client.get("/admin/assessments/round/").status_code == 302
        assert client.get(f"/admin/assessments/round/{world['closed_round'].pk}/change/").status_code == 302
