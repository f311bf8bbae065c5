"""Browser tests: a respondent completes the rapid partnership profile in real Chromium, by keyboard and mouse."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from assessments import services
from assessments.models import Response, ResponseStatus, RoundState
from assessments.tests.factories import InvitationFactory, RoundFactory
from config.roles import FACILITATOR
from conftest import assert_accessible, sign_in
from partnerships.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABEL = {4: "Strongly agree", 3: "Agree", 2: "Disagree", 1: "Strongly disagree"}


@pytest.fixture(autouse=True)
def site_url(settings, live_server):
    # Links in emails are built from SITE_URL: here, the live server's address.
    settings.SITE_URL = live_server.url


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Put back what the data migrations made: a transactional test before this one may have flushed it.

    The instrument is reloaded by the factories when missing; here, the role groups and this app's grants.
    """
    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    grants = importlib.import_module("assessments.migrations.0003_permissions").PERMISSIONS
    for group_name, perms in grants.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


@pytest.fixture
def invitation():
    facilitator = UserFactory(
        username="tom", first_name="Tom", last_name="Okafor", email="tom.okafor@council.example", roles=[FACILITATOR]
    )
    round_ = RoundFactory(facilitator=facilitator, title="Annual health check 2026", partnership__name="Safer Demo")
    return InvitationFactory(round=round_, name="Ann Lee", organisation="Demo Council")


def answer_by_mouse(page, values: list[int]) -> None:
    fieldsets = page.locator("fieldset.statement-fieldset")
    for index, value in enumerate(values):
        if value is not None:
            fieldsets.nth(index).get_by_label(LABEL[value], exact=True).check()


def test_whole_journey_by_keyboard_and_mouse_with_resume(page, live_server, invitation):
    link = f"{live_server.url}/respond/{invitation.token}/"

    # Welcome.
    page.goto(link)
    assert_accessible(page, screenshot="01-welcome")
    assert page.get_by_role("heading", name="Your views on Safer Demo").is_visible()
    assert page.get_by_text("about 15 to 20 minutes").is_visible()
    assert page.get_by_text("This round is anonymous.").is_visible()
    page.get_by_role("link", name="Start").click()

    # Sheet 1 by keyboard only: the worked example 4, 2, 3, 3, 3, 1.
    page.wait_for_url(re.compile(r"/principle/1/$"))
    assert_accessible(page, screenshot="02-sheet-1")
    assert page.get_by_text("Step 1 of 8").is_visible()
    assert page.get_by_role("navigation", name="Progress").is_visible()
    page.locator("summary", has_text="About this principle").focus()
    for index, value in enumerate([4, 2, 3, 3, 3, 1]):
        page.keyboard.press("Tab")  # into the statement's radio group
        assert page.evaluate("document.activeElement.type") == "radio"
        page.keyboard.press("Space")
        for _ in range(4 - value):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")  # the "what lies behind this" summary
        if index == 0:
            page.keyboard.press("Enter")  # open the explanation by keyboard
            assert page.get_by_text("success breeds success").is_visible()
        page.keyboard.press("Tab")  # the comment box
        if index == 0:
            page.keyboard.type("Typed with the keyboard.")
    fieldsets = page.locator("fieldset.statement-fieldset")
    checked = [fieldsets.nth(i).locator("input:checked").get_attribute("value") for i in range(6)]
    assert checked == ["4", "2", "3", "3", "3", "1"]
    assert_accessible(page, screenshot="03-sheet-1-answered")
    page.keyboard.press("Tab")  # on to the "Next" button
    assert page.evaluate("document.activeElement.textContent") == "Next"
    page.keyboard.press("Enter")

    # Sheet 2 by mouse.
    page.wait_for_url(re.compile(r"/principle/2/$"))
    assert_accessible(page, screenshot="04-sheet-2")
    assert page.get_by_text("Step 2 of 8").is_visible()
    answer_by_mouse(page, [3] * 6)
    page.get_by_role("button", name="Next", exact=True).click()

    # Sheet 3 half done, then "save and finish later".
    page.wait_for_url(re.compile(r"/principle/3/$"))
    assert_accessible(page, screenshot="05-sheet-3-half")
    answer_by_mouse(page, [3, 3, 3, None, None, None])
    page.get_by_role("button", name="Save and finish later").click()
    page.wait_for_url(re.compile(r"/saved/$"))
    assert_accessible(page, screenshot="06-saved")
    assert page.get_by_role("link", name=link).is_visible()

    # Coming back by the link resumes at the first sheet with an unanswered statement.
    page.goto(link)
    page.wait_for_url(re.compile(r"/principle/3/$"))
    assert_accessible(page, screenshot="07-resumed-at-sheet-3")
    fieldsets = page.locator("fieldset.statement-fieldset")
    assert fieldsets.nth(0).get_by_label("Agree", exact=True).is_checked()
    assert not fieldsets.nth(3).locator("input:checked").count()

    # Trying to submit now names what is missing, with links to it.
    page.get_by_role("button", name="Review and submit").click()
    page.wait_for_url(re.compile(r"/review/$"))
    assert_accessible(page, screenshot="08-review-incomplete")
    page.get_by_role("button", name="Submit my response").click()
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="09-submit-refused")
    assert page.get_by_text("Your response was not submitted").is_visible()
    page.get_by_role("link", name=re.compile(r"^Statement 3D:")).first.click()
    page.wait_for_url(re.compile(r"/principle/3/#statement-3D$"))
    assert_accessible(page, screenshot="10-back-to-3D")

    # Finish sheets 3 to 6 by mouse.
    answer_by_mouse(page, [3] * 6)
    page.get_by_role("button", name="Next", exact=True).click()
    for number in (4, 5, 6):
        page.wait_for_url(re.compile(rf"/principle/{number}/$"))
        assert_accessible(page, screenshot=f"11-sheet-{number}")
        answer_by_mouse(page, [3] * 6)
        page.get_by_role("button", name="Next", exact=True).click()

    # Significance (step 7) and success (step 8).
    page.wait_for_url(re.compile(r"/significance/$"))
    assert_accessible(page, screenshot="12-significance")
    assert page.get_by_text("Step 7 of 8").is_visible()
    groups = page.locator("fieldset")
    for index, value in enumerate([5, 4, 3, 5, 2, 4]):
        groups.nth(index).locator(f"input[value='{value}']").check()
    page.get_by_role("button", name="Next", exact=True).click()
    page.wait_for_url(re.compile(r"/success/$"))
    assert_accessible(page, screenshot="13-success")
    assert page.get_by_text("Step 8 of 8").is_visible()
    page.get_by_role("group", name="The partnership is achieving its aims and objectives").get_by_label(
        "Agree", exact=True
    ).check()
    page.get_by_label(re.compile("comments on the performance")).fill("Good progress on the shared plan.")
    page.get_by_role("button", name="Next: review your answers").click()

    # Review, then submit.
    page.wait_for_url(re.compile(r"/review/$"))
    assert_accessible(page, screenshot="14-review-complete")
    assert page.get_by_text("Typed with the keyboard.").is_visible()
    assert page.get_by_text("Good progress on the shared plan.").is_visible()
    page.get_by_role("button", name="Submit my response").click()
    # An anonymous round shows the profile in the answer to the submit itself: afterwards nothing links it here.
    page.get_by_text("Thank you: your response has been received").wait_for()
    assert_accessible(page, screenshot="15-thanks")
    assert page.get_by_text("Thank you: your response has been received").is_visible()
    first_row = page.locator("tbody tr").first
    assert first_row.locator("td").nth(0).inner_text() == "16"
    assert first_row.get_by_text("The need for partnership is recognised and accepted").is_visible()
    assert page.locator("tfoot td").first.inner_text() == "106"  # 16 + 5 x 18

    response = Response.objects.get(round=invitation.round, invitation__isnull=True)  # unlinked
    assert response.status == ResponseStatus.SUBMITTED
    assert response.principle_scores == [16, 18, 18, 18, 18, 18] and response.total == 106
    assert response.significance == [5, 4, 3, 5, 2, 4] and response.success == 3

    # The back button and a replayed submit change nothing.
    page.go_back()
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="16-back-after-submit")
    page.goto(f"{live_server.url}/respond/{invitation.token}/principle/1/")
    assert_accessible(page, screenshot="17-sheet-after-submit")
    assert page.get_by_text("already been received").is_visible()
    replay = page.request.post(f"{live_server.url}/respond/{invitation.token}/review/")
    assert replay.status in (200, 403)  # without the form's CSRF token the replay is refused outright
    assert list(Response.objects.filter(round=invitation.round)) == [response]


def test_tampered_and_closed_round_links_get_clear_pages(page, live_server, invitation):
    token = invitation.token
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    result = page.goto(f"{live_server.url}/respond/{tampered}/")
    assert result.status == 404
    assert_accessible(page, screenshot="01-tampered-link")
    assert page.get_by_role("heading", name="This link is not recognised").is_visible()

    services.round_close(invitation.round)
    assert invitation.round.__class__.objects.get(pk=invitation.round_id).state == RoundState.CLOSED
    result = page.goto(f"{live_server.url}/respond/{token}/")
    assert result.status == 410
    assert_accessible(page, screenshot="02-closed-round-link")
    assert page.get_by_role("heading", name="This health check has closed").is_visible()
    assert page.get_by_role("link", name="tom.okafor@council.example").is_visible()
    assert page.get_by_text("Tom Okafor").is_visible()


def test_facilitator_sets_up_a_round_invites_by_csv_and_sends_links(page, live_server, invitation, mailoutbox):
    from partnerships.tests.factories import MembershipFactory, OrganisationFactory

    partnership = invitation.round.partnership
    # Invitations name the partnership's partner organisations (the CSV may write them in any case).
    for name in ("Demo Council", "Demo Police"):
        MembershipFactory(partnership=partnership, organisation=OrganisationFactory(name=name))
    sign_in(page, live_server, "tom", PASSWORD, next_path="/rounds/")
    page.wait_for_url(re.compile(r"/rounds/$"))
    assert_accessible(page, screenshot="01-rounds")
    page.goto(f"{live_server.url}/rounds/new/?partnership={partnership.pk}")
    assert_accessible(page, screenshot="02-new-round")
    page.get_by_label("Title").fill("Diagnostic check 2027")
    page.get_by_label("Purpose").select_option(label="Diagnostic")
    page.get_by_role("button", name="Create the round").click()
    page.wait_for_url(re.compile(r"/rounds/\d+/$"))
    assert_accessible(page, screenshot="03-round-draft")
    assert page.get_by_role("heading", name="Diagnostic check 2027").is_visible()

    page.get_by_role("link", name="Respondents and invitations").click()
    page.wait_for_url(re.compile(r"/invitations/$"))
    assert_accessible(page, screenshot="04-invitations-empty")
    page.get_by_label("Paste CSV").fill(
        "name,email,organisation,level\n"
        "Ann Lee,ann@example.org,Demo Council,Board or elected member\n"
        "Bob Roe,not-an-email,Demo Police,front-line staff\n"
        "Cat Fox,cat@example.org,demo police,front_line\n"
    )
    page.get_by_role("button", name="Check the rows").click()
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="05-csv-preview")
    assert page.get_by_text("“not-an-email” is not a valid email address").is_visible()
    page.get_by_role("button", name="Add these 2 people").click()
    page.wait_for_url(re.compile(r"/invitations/$"))
    assert_accessible(page, screenshot="06-invited")
    assert page.get_by_text("2 people added. 1 row was left out.").is_visible()

    page.get_by_role("link", name=re.compile("Diagnostic check 2027")).click()
    page.wait_for_url(re.compile(r"/rounds/\d+/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Open the round").click()
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="07-round-open")
    assert page.get_by_text("The round is open").is_visible()
    page.get_by_role("link", name="Respondents and invitations").click()
    page.wait_for_url(re.compile(r"/invitations/$"))
    assert_accessible(page)
    page.get_by_role("button", name="Send invitations to everyone not yet emailed").click()
    page.wait_for_load_state("load")
    assert_accessible(page, screenshot="08-invitations-sent")
    assert page.get_by_text("Invitations to 2 people are on their way.").is_visible()
    assert sorted(m.to[0] for m in mailoutbox) == ["ann@example.org", "cat@example.org"]

    link = re.search(r"(http://\S+/respond/[\w-]+/)", mailoutbox[0].body).group(1)
    page.goto(link)
    assert_accessible(page, screenshot="09-link-from-the-email")
    assert page.get_by_role("link", name="Start").is_visible()
