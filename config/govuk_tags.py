"""Template helpers for GOV.UK Frontend form markup that crispy-forms-gds does not cover (date inputs)."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def govuk_widget(field: BoundField, css: str) -> SafeString:
    """Return the field's widget with the GOV.UK classes ``css`` (plus the error class) and aria attributes."""
    base = css.split()[0] if css else "govuk-input"
    classes = [css] + ([f"{base}--error"] if field.errors else [])
    described = [f"{field.auto_id}_hint"] if field.help_text else []
    described += [f"{field.auto_id}_error"] if field.errors else []
    attrs: dict[str, str | bool] = {"class": " ".join(classes)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
