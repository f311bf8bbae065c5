"""Browser tests of what axe-core cannot see (WCAG 2.2 AA): reflow at 320 CSS px, visible focus, and the error
pattern of every form. Real Chromium through Playwright, on the demo council's data, as each role.

A 1280 px window at 400% zoom is a 320 CSS px viewport, so the reflow crawl covers both (WCAG 1.4.10).
"""

from __future__ import annotations

import io
import re
from collections import deque

import pytest
from django.utils import timezone

from assessments.models import Round, RoundState
from assessments.tests.factories import InvitationFactory
from conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = {
    "officer": "register-demo-2026",
    "facilitator": "facilitate-demo-2026",
    "manager": "manage-demo-2026",
    "respondent": "respond-demo-2026",
}
NARROW = {"width": 320, "height": 720}
# Downloads, the admin site, signing out and mail links are not pages to reflow.
NOT_A_PAGE = re.compile(r"\.(pdf|csv|json|svg|png|xlsx|ods|zip)(\?|$)|^/admin/|/logout/|^mailto:|/export|/dartboard\.")
MAX_PAGES_PER_ROLE = 45
# The council's view of itself (issue 19): the standards page and last year's issued audit committee's review.
EXTRA_STARTS = {
    "manager": ("/reports/standards/", f"/reports/audit/{timezone.localdate().year - 1}/"),
}


@pytest.fixture(autouse=True)
def generous_rate_limit(settings):
    settings.PHC_RESPOND_RATE = "1000/m"


@pytest.fixture(autouse=True)
def patient(page):
    # These tests visit many pages on a machine that may be busy: a slow page is not a failure here.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)


def _open_health_check() -> Round:
    """An open health check of a partnership that the demo facilitator runs (not the council's self-assessment)."""
    round_ = (
        Round.objects.filter(state=RoundState.OPEN, facilitator__username="facilitator")
        .filter(partnership__stands_for_council=False)
        .order_by("pk")
        .first()
    )
    assert round_ is not None, "the demo has an open health check run by the demo facilitator"
    return round_


@pytest.fixture
def personal_link(demo_council, live_server) -> str:
    round_ = _open_health_check()
    invitation = InvitationFactory.create(round=round_, name="Ann Lee", organisation="Demo Council")
    return f"{live_server.url}/respond/{invitation.token}/"


def _shape(path: str) -> str:
    """The kind of page a path is: numbers and the personal token replaced, query keys kept (not values)."""
    base, _, query = path.partition("?")
    base = re.sub(r"/respond/[^/]+/", "/respond/T/", base)
    base = re.sub(r"\d+", "N", base)
    keys = sorted(part.split("=")[0] for part in query.split("&") if part)
    return base + ("?" + "&".join(keys) if keys else "")


def _sideways_overflow(page) -> str | None:
    """Return what sticks out to the right of a page that scrolls sideways, or None if it does not."""
    return page.evaluate(
        """() => {
          const root = document.documentElement;
          if (root.scrollWidth <= root.clientWidth) return null;
          const wide = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
            .filter(e => !e.closest('.phc-table-scroll, .govuk-visually-hidden'))
            .slice(0, 5)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
          return `scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}: ${wide.join(', ')}`;
        }"""
    )


def _crawl(page, live_server, start: str, problems: list[str], seen: set[str], label: str) -> int:
    """Visit every kind of page reachable from ``start`` by links; record pages that scroll sideways."""
    queue = deque([start])
    visited = 0
    while queue and visited < MAX_PAGES_PER_ROLE:
        path = queue.popleft()
        shape = _shape(path)
        if shape in seen:
            continue
        seen.add(shape)
        response = page.goto(f"{live_server.url}{path}")
        if response is None or response.status >= 500:
            problems.append(f"{path}: status {response and response.status}")
            continue
        visited += 1
        overflow = _sideways_overflow(page)
        if overflow:
            problems.append(f"{path}: {overflow}")
        try:
            # A screenshot of each kind of page at 320 px, to look at (var/screenshots/).
            assert_accessible(page, screenshot=f"{label}-{visited:02d}-{shape.strip('/').replace('/', '_')[:60]}")
        except AssertionError as exc:  # gather every page's problems, then fail once
            problems.append(f"{path}: {exc}")
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        for href in hrefs:
            href = href.split("#")[0]
            if href.startswith(live_server.url):
                href = href[len(live_server.url) :]
            if not href.startswith("/") or NOT_A_PAGE.search(href):
                continue
            if _shape(href) not in seen:
                queue.append(href)
    return visited


# One crawl per visitor, each its own test so that the parallel workers share them out (together they are the
# longest browser test); each staff role reaches a good number of kinds of page, so the crawl really went round.
CRAWLS = {"signed out": 0, "personal link": 8, "officer": 8, "facilitator": 10, "manager": 10, "respondent": 0}


@pytest.mark.slow
@pytest.mark.parametrize("who", CRAWLS)
def test_no_page_scrolls_sideways_at_320_px_for_any_role(page, live_server, personal_link, who):
    page.set_viewport_size(NARROW)
    problems: list[str] = []
    if who == "signed out":
        count = _crawl(page, live_server, "/", problems, set(), "signed-out")
    elif who == "personal link":
        token_path = personal_link[len(live_server.url) :]
        count = _crawl(page, live_server, token_path, problems, set(), "personal-link")
    else:
        sign_in(page, live_server, who, ROLES[who])
        role_seen: set[str] = set()
        count = _crawl(page, live_server, "/", problems, role_seen, who)
        # Pages deep in the site that the link crawl may not reach within its limit.
        for start in EXTRA_STARTS.get(who, ()):
            count += _crawl(page, live_server, start, problems, role_seen, who)
    assert not problems, "pages that scroll sideways at 320 px or fail axe-core:\n" + "\n".join(problems)
    assert count >= CRAWLS[who], f"{who} reached only {count} kinds of page"


# --- Focus -----------------------------------------------------------------------------------------------------


def _luminance(rgb: tuple[int, int, int]) -> float:
    channels = [c / 255 for c in rgb[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _focus_change(page, locator) -> tuple[int, int]:
    """Return (pixels whose colour changed by 3:1 or more on focus, perimeter of the control) around a control."""
    from PIL import Image

    locator.scroll_into_view_if_needed()
    page.evaluate("document.activeElement && document.activeElement.blur()")
    box = locator.bounding_box()
    assert box, "the control is not visible"
    pad = 12
    clip = {
        "x": max(box["x"] - pad, 0),
        "y": max(box["y"] - pad, 0),
        "width": box["width"] + 2 * pad,
        "height": box["height"] + 2 * pad,
    }
    before = Image.open(io.BytesIO(page.screenshot(clip=clip, animations="disabled"))).convert("RGB")
    locator.focus()
    after = Image.open(io.BytesIO(page.screenshot(clip=clip, animations="disabled"))).convert("RGB")
    # The visible part of a radio or checkbox is its label's ::before (the input itself is an invisible 44 px
    # target): its perimeter is the reference, a circle's for a radio.
    visible = locator.evaluate(
        """e => {
          if (e.type !== 'radio' && e.type !== 'checkbox') return null;
          const mark = getComputedStyle(e.labels[0], '::before');
          return [parseFloat(mark.width), parseFloat(mark.height), e.type];
        }"""
    )
    changed = sum(
        1 for b, a in zip(before.getdata(), after.getdata(), strict=True) if b != a and _contrast(b, a) >= 3.0
    )
    if visible:
        width, height, kind = visible
        perimeter = int(3.1416 * width) if kind == "radio" else int(2 * (width + height))
    else:
        perimeter = int(2 * (box["width"] + box["height"]))
    return changed, perimeter


# (who, page, what to focus, description): each kind of control the site uses, where people meet it.
FOCUS_CASES = [
    ("manager", "/", "a.govuk-service-navigation__link >> nth=0", "service navigation link"),
    ("manager", "/", "a.govuk-header__link", "header link"),
    ("manager", "/", "a.govuk-footer__link", "footer link"),
    ("manager", "/", "button.phc-link-button", "sign-out button"),
    ("manager", "/", "a.govuk-button >> nth=0", "primary button"),
    ("manager", "/partnerships/", "a.govuk-button--secondary", "secondary button"),
    ("manager", "/partnerships/", "main table a.govuk-link >> nth=0", "link in a table"),
    ("manager", "/partnerships/", "select.govuk-select >> nth=0", "select"),
    ("manager", "/partnerships/", "input[type=search]", "text input"),
    ("manager", "/partnerships/", "input.govuk-checkboxes__input", "checkbox"),
    ("facilitator", "/rounds/new/", "textarea >> nth=0", "text area"),
    ("facilitator", "/rounds/new/", "input.govuk-date-input__input >> nth=0", "date input (day box)"),
    ("facilitator", "/rounds/new/", "input.govuk-checkboxes__input >> nth=0", "checkbox in a group"),
]
RESPONDENT_FOCUS_CASES = [
    ("input.govuk-radios__input >> nth=0", "radio"),
    ("summary.govuk-details__summary >> nth=0", "details summary"),
    ("textarea >> nth=0", "comment box"),
    ("button.govuk-button >> nth=0", "next button"),
    ("button.phc-step >> nth=1", "step button"),
]


def test_every_kind_of_control_shows_focus_at_3_to_1(page, live_server, personal_link):
    """Focus changes at least as many pixels as the control's perimeter by 3:1 or more (a 1 px ring at least)."""
    weak: list[str] = []
    page.goto(personal_link.rstrip("/") + "/principle/1/")
    assert_accessible(page)
    for selector, what in RESPONDENT_FOCUS_CASES:
        changed, perimeter = _focus_change(page, page.locator(selector))
        if changed < perimeter:
            weak.append(f"{what}: {changed} pixels changed by 3:1, fewer than its perimeter {perimeter}")
    current = None
    for username, path, selector, what in FOCUS_CASES:
        if username != current:
            page.context.clear_cookies()
            sign_in(page, live_server, username, ROLES[username])
            assert_accessible(page)
            current = username
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
        changed, perimeter = _focus_change(page, page.locator(selector).first)
        if changed < perimeter:
            weak.append(f"{what} on {path}: {changed} pixels changed by 3:1, fewer than its perimeter {perimeter}")
    assert not weak, "focus indicators that are hard to see:\n" + "\n".join(weak)


# --- The error pattern -----------------------------------------------------------------------------------------


def _check_error_pattern(page, where: str) -> list[str]:
    """The summary is focused, the title starts "Error: ", and each link lands on a control that exists."""
    problems = []
    page.wait_for_load_state("load")
    page.wait_for_function("document.activeElement && document.activeElement.closest('.govuk-error-summary')")
    if not page.title().startswith("Error: "):
        problems.append(f"{where}: title is {page.title()!r}")
    focused = page.evaluate("!!document.activeElement.closest('.govuk-error-summary')")
    if not focused:
        problems.append(f"{where}: the error summary is not focused")
    links = page.locator(".govuk-error-summary__list a")
    if links.count() == 0:
        problems.append(f"{where}: the summary has no links")
    for index in range(links.count()):
        href = links.nth(index).get_attribute("href") or ""
        target = href.lstrip("#")
        kind = page.evaluate(
            "id => { const e = document.getElementById(id);"
            " return e ? e.tagName.toLowerCase() + ':' + (e.type || '') : null; }",
            target,
        )
        if kind is None or kind.split(":")[0] not in {"input", "select", "textarea"}:
            problems.append(f"{where}: link {href} lands on {kind}, not on a field")
    if links.count():
        links.first.click()
        landed = page.evaluate("document.activeElement.id")
        if f"#{landed}" != links.first.get_attribute("href"):
            problems.append(f"{where}: the first link moved focus to #{landed}")
    return problems


def _submit(page, button_name: str) -> None:
    page.get_by_role("button", name=button_name, exact=True).first.click()


STAFF_FORMS = [
    # (user, page, submit button, description)
    ("officer", "/partnerships/new/", "Record the partnership", "new partnership"),
    ("facilitator", "/rounds/new/", "Create the round", "new round"),
    ("manager", "/accounts/password_change/", "Change password", "change password"),
]


def test_every_form_submitted_empty_shows_the_error_pattern(page, live_server, personal_link):
    problems: list[str] = []
    # Signed out: sign-in and password reset.
    page.goto(f"{live_server.url}/accounts/login/")
    _submit(page, "Sign in")
    problems += _check_error_pattern(page, "sign in")
    assert_accessible(page)
    page.goto(f"{live_server.url}/accounts/password_reset/")
    assert_accessible(page)
    _submit(page, "Send the link")
    problems += _check_error_pattern(page, "password reset")
    assert_accessible(page)

    # The respondent's review, submitted with nothing answered.
    page.goto(personal_link.rstrip("/") + "/review/")
    assert_accessible(page)
    _submit(page, "Submit my response")
    page.wait_for_load_state("load")
    if not page.title().startswith("Error: "):
        problems.append(f"review: title is {page.title()!r}")
    page.wait_for_function("document.activeElement && document.activeElement.closest('.govuk-error-summary')")
    assert_accessible(page)

    # A respondent's comment that is too long.
    page.goto(personal_link.rstrip("/") + "/principle/1/")
    page.locator("textarea").first.fill("x" * 4001)
    _submit(page, "Next")
    problems += _check_error_pattern(page, "principle sheet")
    assert page.get_by_text("Comment must be 4,000 characters or fewer").first.is_visible()
    assert_accessible(page)

    current = None
    for username, path, button, what in STAFF_FORMS:
        if username != current:
            page.context.clear_cookies()
            sign_in(page, live_server, username, ROLES[username])
            assert_accessible(page)
            current = username
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
        _submit(page, button)
        problems += _check_error_pattern(page, what)
        assert_accessible(page)

    # Forms on pages reached from the demo data: a round's invitations and action plan, a partnership's gateway.
    page.context.clear_cookies()
    sign_in(page, live_server, "facilitator", ROLES["facilitator"])
    assert_accessible(page)
    round_ = _open_health_check()
    page.goto(f"{live_server.url}/rounds/{round_.pk}/invitations/")
    assert_accessible(page)
    _submit(page, "Add")
    problems += _check_error_pattern(page, "invite one person")
    assert_accessible(page)
    page.goto(f"{live_server.url}/rounds/{round_.pk}/actions/")
    assert_accessible(page)
    _submit(page, "Add the action")
    problems += _check_error_pattern(page, "add an action")
    assert_accessible(page)

    assert not problems, "forms that break the error pattern:\n" + "\n".join(problems)


# --- Unsaved answers -------------------------------------------------------------------------------------------


def test_leaving_a_sheet_with_unsaved_answers_warns_and_keeps_them(page, live_server, personal_link):
    sheet = personal_link.rstrip("/") + "/principle/1/"
    page.goto(sheet)
    assert_accessible(page)
    page.locator("fieldset.statement-fieldset").first.get_by_label("Agree", exact=True).check()
    page.locator("textarea").first.fill("Typed but not saved")
    dialogs: list[str] = []

    def leave_anyway(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave_anyway)
    page.reload()
    assert dialogs == ["beforeunload"]  # the browser asked before leaving the page
    # The answers come back from this tab's storage, with a note that they are not saved yet.
    assert page.get_by_role("status").filter(has_text="are back in place").is_visible()
    assert page.locator("fieldset.statement-fieldset").first.get_by_label("Agree", exact=True).is_checked()
    assert page.locator("textarea").first.input_value() == "Typed but not saved"
    assert_accessible(page)
    # Saving sends them to the server; afterwards nothing is kept in the browser and nothing warns.
    page.get_by_role("button", name="Save and finish later").click()
    page.wait_for_url(re.compile(r"/saved/$"))
    assert_accessible(page)
    page.goto(sheet)
    assert page.locator("textarea").first.input_value() == "Typed but not saved"  # from the server now
    assert page.get_by_role("status").filter(has_text="are back in place").count() == 0
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('phc-unsaved:')).length") == 0
    assert_accessible(page)
    assert dialogs == ["beforeunload"]
