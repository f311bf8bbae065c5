"""The GOV.UK date input of every staff date field: three boxes, errors on the right box, the range."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.template.loader import render_to_string

from config.forms import DateField, GovukErrorsMixin, LongSelect


class ReviewForm(GovukErrorsMixin, forms.Form):
    review_on = DateField(label="Review date")
    ends_on = DateField(label="End date", required=False)


def boxes(day: str, month: str, year: str, name: str = "review_on") -> dict[str, str]:
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def rendered(form: forms.Form) -> str:
    return render_to_string("_error_summary.html", {"form": form}) + "".join(
        render_to_string("_field.html", {"field": field}) for field in form
    )


def boxes_in_error(html: str) -> set[str]:
    return set(re.findall(r'govuk-input--error" id="id_review_on_(day|month|year)"', html))


def test_the_three_boxes_make_a_date():
    form = ReviewForm(data=boxes("31", "3", "2027"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["review_on"] == datetime.date(2027, 3, 31)
    assert form.cleaned_data["ends_on"] is None


def test_one_iso_date_is_still_read():
    form = ReviewForm(data={"review_on": "2027-03-31"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["review_on"] == datetime.date(2027, 3, 31)


def test_a_saved_date_is_shown_in_its_three_boxes():
    html = rendered(ReviewForm(initial={"review_on": datetime.date(2027, 3, 9)}))
    assert 'class="govuk-date-input" id="id_review_on"' in html
    for part, value in (("day", "9"), ("month", "3"), ("year", "2027")):
        assert re.search(
            rf'id="id_review_on_{part}" name="review_on_{part}" type="text" inputmode="numeric" value="{value}"', html
        )
    assert "<legend" in html and "Review date" in html and "End date (optional)" in html


@pytest.mark.parametrize(
    ("typed", "message", "wrong"),
    [
        (("", "", ""), "Enter the review date", {"day", "month", "year"}),
        (("31", "", "2027"), "Review date must include a month", {"month"}),
        (("", "3", ""), "Review date must include a day and a year", {"day", "year"}),
        (("31", "2", "2027"), "Review date must be a real date", {"day"}),
        (("1", "13", "2027"), "Review date must be a real date", {"month"}),
        (("1", "March", "2027"), "Review date must be a real date", {"month"}),
        (("1", "3", "27"), "Review date: the year must include 4 numbers", {"year"}),
        (
            ("1", "3", "2300"),
            "Review date must be between 1 January 1900 and 31 December 2199",
            {"day", "month", "year"},
        ),
        (
            ("31", "12", "1899"),
            "Review date must be between 1 January 1900 and 31 December 2199",
            {"day", "month", "year"},
        ),
    ],
)
def test_each_error_is_said_in_govuk_words_on_the_box_it_is_about(typed, message, wrong):
    form = ReviewForm(data=boxes(*typed))
    assert not form.is_valid()
    assert form.errors["review_on"] == [message]
    html = rendered(form)
    assert boxes_in_error(html) == wrong
    first = next(part for part in ("day", "month", "year") if part in wrong)
    # The error summary links to the first box in error; what was typed stays in the boxes.
    assert f'<a href="#id_review_on_{first}">{message}</a>' in html
    for part, text in zip(("day", "month", "year"), typed, strict=True):
        assert f'name="review_on_{part}" type="text" inputmode="numeric" value="{text}"' in html


def test_a_form_level_date_error_is_on_the_whole_date_and_links_to_the_day():
    form = ReviewForm(data=boxes("1", "3", "2027"))
    form.is_valid()
    form.add_error("review_on", "The review must be after the start")
    html = rendered(form)
    assert boxes_in_error(html) == {"day", "month", "year"}
    assert '<a href="#id_review_on_day">The review must be after the start</a>' in html


def test_a_date_carried_to_a_confirmation_page_comes_back_whole():
    form = ReviewForm(data=boxes("31", "3", "2027"))
    assert form.is_valid()
    hidden = form["review_on"].as_hidden()
    assert 'type="hidden" name="review_on" value="2027-03-31"' in hidden
    again = ReviewForm(data={"review_on": "2027-03-31"})
    assert again.is_valid() and again.cleaned_data["review_on"] == datetime.date(2027, 3, 31)


# --- The long select (the register's partner organisation filter) ----------------------------------------------

LONG_CHOICES = [("", "Any partner"), (1, "A & B Trust"), (2, 'The "Valley" <Police>'), (3, "Zed Council")]


@pytest.mark.parametrize("value", [None, "", "2", 2, "99", ["3"]])
@pytest.mark.parametrize(
    "attrs",
    [
        {"class": "govuk-select", "id": "id_partner"},
        {"class": "govuk-select", "id": "id_partner", "aria-describedby": "a&b", "required": True, "hidden": False},
    ],
)
def test_a_long_select_writes_the_markup_of_djangos_select(value, attrs):
    expected = forms.Select(choices=LONG_CHOICES).render("partner", value, attrs)
    assert LongSelect(choices=LONG_CHOICES).render("partner", value, attrs) == expected


def test_a_long_select_marks_only_the_first_option_with_the_value_selected():
    html = LongSelect(choices=[("1", "One"), ("1", "One again")]).render("n", "1")
    assert html.count(" selected") == 1 and html == forms.Select(choices=[("1", "One"), ("1", "One again")]).render(
        "n", "1"
    )


def test_a_long_select_leaves_grouped_choices_to_django():
    grouped = [("Public", [("1", "Police")]), ("Voluntary", [("2", "Trust")])]
    assert LongSelect(choices=grouped).render("n", "2") == forms.Select(choices=grouped).render("n", "2")
