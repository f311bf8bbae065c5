"""The CSV preview of invitations, upload limits and the round set-up form's rules."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.forms import InvitationImportForm, RoundForm, level_from_text, parse_invitations_csv
from assessments.models import Level
from assessments.tests.factories import InvitationFactory, ResponseFactory, RoundFactory, instrument


def reasons_by_line(preview) -> dict[int, str]:
    return {row.line: "; ".join(row.reasons) for row in preview.bad}


def test_level_accepts_labels_and_values_in_any_case():
    assert level_from_text("Front-line staff") == Level.FRONT_LINE
    assert level_from_text("FRONT_LINE") == Level.FRONT_LINE
    assert level_from_text("  board or  elected member ") == Level.BOARD
    assert level_from_text("senior or middle management") == Level.MANAGEMENT
    assert level_from_text("staff") is None


def test_preview_lists_each_bad_row_with_its_line_and_reason():
    text = (
        "name,email,organisation,level\n"  # 1
        "Ann Lee,ann@example.org,Council,Board or elected member\n"  # 2 good
        ",bob@example.org,Council,board\n"  # 3 missing name
        "Cat Roe,not-an-email,Health trust,management\n"  # 4 invalid email
        "Dee Fox,ann@example.org,Council,front_line\n"  # 5 duplicate in file
        "Eve Ng,old@example.org,Council,front_line\n"  # 6 already invited
        "Fay Oak,fay@example.org,Council,Chief executive\n"  # 7 unknown level
        "\n"  # 8 blank: skipped
        "Gus Poe,gus@example.org,,board\n"  # 9 missing organisation
    )
    preview = parse_invitations_csv(text, existing_emails=["OLD@example.org"])
    assert [line for line, _ in preview.good] == [2]
    assert preview.good[0][1].level == Level.BOARD
    reasons = reasons_by_line(preview)
    assert reasons[3] == "name is missing"
    assert "not a valid email address" in reasons[4]
    assert "appears more than once in the file (first on line 2)" in reasons[5]
    assert "already invited to this round" in reasons[6]
    assert "level “Chief executive” is unknown" in reasons[7]
    assert reasons[9] == "organisation is missing"
    assert set(reasons) == {3, 4, 5, 6, 7, 9}


def test_preview_without_header_uses_the_column_order_and_counts_physical_lines():
    text = 'Ann Lee,ann@example.org,"Council,\nHousing",board\nBob,bob@example.org,Council\n'
    preview = parse_invitations_csv(text)
    assert preview.good[0][1].organisation == "Council,\nHousing"
    assert preview.good[0][0] == 1
    assert reasons_by_line(preview)[3].startswith("has 3 columns")


def test_preview_header_may_be_in_any_order_and_spelt_organization():
    text = "Email,Level,Name,Organization\nann@example.org,board,Ann Lee,Council\n"
    preview = parse_invitations_csv(text)
    assert preview.rows[0].name == "Ann Lee" and preview.rows[0].organisation == "Council"


def test_preview_refuses_rows_beyond_the_limit():
    text = "".join(f"P{i},p{i}@example.org,Council,board\n" for i in range(5))
    preview = parse_invitations_csv(text, max_rows=3)
    assert len(preview.good) == 3
    assert [row.line for row in preview.bad] == [4, 5]
    assert all("too many rows" in row.reasons[0] for row in preview.bad)


def test_preview_refuses_levels_not_taking_part():
    preview = parse_invitations_csv("Ann,ann@example.org,Council,board\n", allowed_levels=["front_line"])
    assert "not taking part in this round" in preview.bad[0].reasons[0]


def test_upload_over_the_limit_is_refused(settings):
    settings.MAX_CSV_UPLOAD_BYTES = 100
    upload = SimpleUploadedFile("people.csv", b"a,b@example.org,c,board\n" * 10, content_type="text/csv")
    form = InvitationImportForm(data={}, files={"csv_file": upload})
    assert not form.is_valid()
    assert "the largest accepted is 100" in str(form.errors)


def test_upload_that_is_not_utf8_is_refused():
    upload = SimpleUploadedFile("people.csv", "Zoë,z@example.org,Café,board\n".encode("latin-1"))
    form = InvitationImportForm(data={}, files={"csv_file": upload})
    assert not form.is_valid()
    assert "not UTF-8 text" in str(form.errors)
    binary = SimpleUploadedFile("people.xlsx", b"PK\x03\x04\x00\x00binary")
    form = InvitationImportForm(data={}, files={"csv_file": binary})
    assert not form.is_valid()
    assert "not UTF-8 text" in str(form.errors)


def test_upload_with_byte_order_mark_is_read():
    text = "\ufeffname,email,organisation,level\nZoë,z@example.org,Café,board\n"
    upload = SimpleUploadedFile("people.csv", text.encode())
    form = InvitationImportForm(data={}, files={"csv_file": upload})
    assert form.is_valid(), form.errors
    assert parse_invitations_csv(form.cleaned_data["text"]).rows[0].name == "Zoë"


def test_empty_import_is_refused():
    form = InvitationImportForm(data={"csv_text": "  "}, files={})
    assert not form.is_valid()


@pytest.mark.django_db
def test_round_form_keeps_anonymity_fixed_once_the_round_has_opened():
    round_ = RoundFactory(anonymous=True)  # open
    ResponseFactory(invitation=InvitationFactory(round=round_))
    data = {
        "partnership": round_.partnership_id,
        "instrument": round_.instrument_id,
        "title": round_.title,
        "purpose": round_.purpose,
        "facilitation": round_.facilitation,
        "facilitator": round_.facilitator_id,
        "levels": ["board"],
        "opens_on": "2026-01-01",
        "closes_on": "2026-02-01",
        "anonymous": "",
    }
    form = RoundForm(data, instance=round_)
    assert form.fields["anonymous"].disabled
    assert form.fields["anonymous"].help_text == "Fixed once the round has opened."
    assert form.is_valid(), form.errors
    assert form.cleaned_data["anonymous"] is True  # the posted "named" is ignored


@pytest.mark.django_db
def test_round_form_lets_a_draft_round_change_its_anonymity():
    round_ = RoundFactory(anonymous=True, state="draft")
    assert not RoundForm(instance=round_).fields["anonymous"].disabled


@pytest.mark.django_db
def test_round_form_refuses_close_before_open():
    round_ = RoundFactory()
    data = {
        "partnership": round_.partnership.pk,
        "instrument": instrument().pk,
        "title": "x",
        "purpose": "health_check",
        "facilitation": "internal",
        "facilitator": round_.facilitator.pk,
        "levels": ["board"],
        "opens_on": datetime.date(2026, 3, 1).isoformat(),
        "closes_on": datetime.date(2026, 2, 1).isoformat(),
        "anonymous": "on",
    }
    form = RoundForm(data)
    assert not form.is_valid()
    assert "closes_on" in form.errors
