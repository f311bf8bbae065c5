"""No personal link in the logs, oversized bodies refused before parsing, dates the arithmetic can hold."""

from __future__ import annotations

import datetime
import inspect
import io
import logging
import logging.config

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse

from assessments import forms as assessment_forms
from config.forms import LATEST_DATE, validate_sane_date
from partnerships import forms as partnership_forms
from partnerships.forms import PartnershipForm
from results import forms as results_forms

TOKEN = "SJ6LKqYcK37wrqoTT-7P4sdC2ifxPlsiTF0lGhCgxNY"


def test_every_log_handler_masks_personal_links():
    stream = io.StringIO()
    config = {**settings.LOGGING, "disable_existing_loggers": False}
    config["handlers"] = {
        name: {**handler, "class": "logging.StreamHandler", "stream": stream}
        for name, handler in settings.LOGGING["handlers"].items()
    }
    assert all("mask_personal_links" in h.get("filters", []) for h in settings.LOGGING["handlers"].values())
    logging.config.dictConfig(config)
    try:
        logger = logging.getLogger("django.request")
        logger.warning("Not Found: %s", f"/respond/{TOKEN}/")
        logger.warning(f"Forbidden (CSRF token missing.): /respond/{TOKEN}/review/")
        try:
            raise ValueError(f"bad path /respond/{TOKEN}/")
        except ValueError:
            logger.exception("failed")
    finally:
        logging.config.dictConfig(settings.LOGGING)
    written = stream.getvalue()
    assert TOKEN not in written
    assert written.count("/respond/<token>/") == 3


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.PHC_MAX_REQUEST_BYTES = 1000
    response = client.generic("POST", reverse("login"), b"x" * 2000, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert client.post(reverse("login"), {"username": "a", "password": "b"}).status_code == 200


def test_a_date_beyond_the_arithmetic_is_refused_by_the_form():
    form = PartnershipForm(data={"start_date": "9999-12-31"})
    form.is_valid()
    assert "Start date must be between 1 January 1900 and 31 December 2199" in form.errors["start_date"]
    validate_sane_date(LATEST_DATE)
    LATEST_DATE + datetime.timedelta(days=3660)  # ten years later still fits in a date


def _form_classes():
    for module in (partnership_forms, assessment_forms, results_forms):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_date_field_of_every_form_checks_the_range():
    checked = 0
    for cls in _form_classes():
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.DateField):
                assert validate_sane_date in field.validators, f"{cls.__name__}.{name} has no date range"
                checked += 1
    assert checked >= 6
