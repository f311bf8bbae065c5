"""Issue 16, point 10: every download is an attachment named by partnership, round and date; the dartboard
says what it is; every CSV starts with a UTF-8 byte-order mark; the results and the register as .xlsx."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.tests.factories import add_responses, make_round, partnership, uniform
from config.exports import download_name
from partnerships.models import Membership, Organisation
from partnerships.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def round_():
    p = partnership(name="Safer Streets Café Partnership")
    round_ = make_round(partnership=p, anonymous=False, title="Health check 2026")
    round_.closed_at = datetime.datetime(2026, 3, 14, 12, tzinfo=datetime.UTC)
    round_.save()
    add_responses(round_, [uniform(3)] * 2 + [uniform(2)], comment="Budgets in £ are not shared")
    return round_


def _name(*parts: str, extension: str) -> str:
    return download_name(*parts, made_on=timezone.localdate(), extension=extension)


def test_download_names_carry_what_and_when() -> None:
    assert download_name(
        "Safer Streets", "Health check 2026", "results", made_on=timezone.localdate(), extension="json"
    ) == (f"safer-streets-health-check-2026-results-{timezone.localdate().isoformat()}.json")


@pytest.mark.parametrize(
    ("path", "what", "extension"),
    [
        ("results:results_json", "results", "json"),
        ("results:responses_csv", "responses", "csv"),
        ("reports:round_workbook", "results", "xlsx"),
    ],
)
def test_round_downloads_are_attachments_named_by_partnership_round_and_date(client, round_, path, what, extension):
    client.force_login(round_.facilitator)
    response = client.get(reverse(path, args=[round_.pk]))
    assert response.status_code == 200
    expected = _name(round_.partnership.name, round_.title, what, extension=extension)
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    assert "safer-streets-cafe-partnership-health-check-2026" in expected


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_the_dartboard_downloads_with_a_title_saying_what_it_is(client, round_, fmt):
    client.force_login(round_.facilitator)
    response = client.get(reverse("reports:dartboard", args=[round_.pk, fmt]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert _name(round_.partnership.name, round_.title, "dartboard", extension=fmt) in response["Content-Disposition"]
    if fmt == "svg":
        words = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", response.content.decode()))
        assert "Safer Streets Café Partnership: Health check 2026, closed 14 March 2026" in words
        assert "Mean principle scores of 3 respondents" in words
    else:
        assert response.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_csv_starts_with_a_byte_order_mark_and_keeps_the_pound_sign(client, round_):
    client.force_login(round_.facilitator)
    body = client.get(reverse("results:responses_csv", args=[round_.pk])).content
    assert body.startswith(BOM)
    assert "Budgets in £ are not shared".encode() in body
    manager = UserFactory(roles=["Manager"])
    client.force_login(manager)
    register = b"".join(client.get(reverse("reports:register_export")).streaming_content)
    assert register.startswith(BOM) and register.count(BOM) == 1
    assert "Safer Streets Café Partnership".encode() in register


def test_the_results_workbook_has_one_sheet_per_table(client, round_):
    client.force_login(round_.facilitator)
    response = client.get(reverse("reports:round_workbook", args=[round_.pk]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Round",
        "Principles",
        "Statements",
        "Respondents",
        "Breakdowns",
        "Priorities",
        "Scenario",
    ]
    principles = list(book["Principles"].iter_rows(values_only=True))
    assert principles[0][:4] == ("Principle", "Title", "Respondents", "Mean")
    assert len(principles) == 7 and principles[1][2] == 3 and principles[1][3] == pytest.approx(16.0)
    assert len(list(book["Statements"].iter_rows())) == 37
    assert len(list(book["Respondents"].iter_rows())) == 4
    assert dict(book["Round"].iter_rows(min_row=2, values_only=True))["Partnership"] == "Safer Streets Café Partnership"


def test_the_results_workbook_withholds_results_until_there_are_enough(client):
    round_ = make_round()
    add_responses(round_, [uniform(3)] * 2)
    client.force_login(round_.facilitator)
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("reports:round_workbook", args=[round_.pk])).content))
    assert book.sheetnames == ["Round"]


def test_the_register_workbook_has_partnerships_and_partners_and_never_formulas(client):
    p = partnership(name='=HYPERLINK("http://evil")')
    police = Organisation.objects.create(name="Thames Valley Police", sector="public")
    Membership.objects.create(
        partnership=p, organisation=police, role="Partner", financial_contribution=Decimal("25000")
    )
    client.force_login(UserFactory(roles=["Manager"]))
    response = client.get(reverse("reports:register_workbook"))
    assert (
        response["Content-Disposition"] == f'attachment; filename="{_name("partnership register", extension="xlsx")}"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Register", "Partners"]
    register = list(book["Register"].iter_rows(values_only=True))
    assert register[1][1] == '=HYPERLINK("http://evil")' and book["Register"]["B2"].data_type == "s"
    partners = list(book["Partners"].iter_rows(values_only=True))
    assert partners[1][2] == "Thames Valley Police" and partners[1][6] == 25000


def test_pdf_reports_are_named_by_partnership_year_and_date(client, round_):
    client.force_login(UserFactory(roles=["Manager"]))
    year = round_.closes_on.year
    response = client.get(reverse("reports:partnership", args=[round_.partnership.pk, year]))
    expected = _name(round_.partnership.name, f"annual report {year}", extension="pdf")
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
