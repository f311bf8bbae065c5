"""Forms of stage 4: an action of the action plan, and the date of the next health check."""

from __future__ import annotations

from datetime import date
from typing import cast

from django import forms
from django.utils import timezone

from assessments.models import ActionItem, Element, Principle
from config.forms import DateField, DateInput, GovukErrorsMixin


class ElementSelect(forms.Select):
    """The element choices, each marked with its principle's id, so the page can offer only the elements of the
    principle chosen (static/js/actions.js); the form checks the pair again on saving."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):  # noqa: ANN001, ANN201, PLR0913 - Django's signature
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-principle"] = str(instance.principle_id)
        return option


class ActionItemForm(GovukErrorsMixin, forms.ModelForm):
    error_subject = "the action's"

    class Meta:
        model = ActionItem
        field_classes = {"due_date": DateField}
        fields = ["principle", "element", "description", "owner", "due_date", "status"]
        widgets = {
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "element": ElementSelect(attrs={"data-elements-of": "principle"}),
        }
        help_texts = {"element": "Optional: the element of the principle this action addresses."}

    def __init__(self, *args, instrument, elements_of: Principle | None = None, **kwargs) -> None:
        """``elements_of`` offers only that principle's elements (the page's ?principle=N, which works without
        JavaScript); a bound form accepts any element of the instrument and checks the pair in ``clean``."""
        super().__init__(*args, **kwargs)
        principle_field = cast(forms.ModelChoiceField, self.fields["principle"])
        principle_field.queryset = Principle.objects.filter(instrument=instrument)
        principle_field.label_from_instance = lambda p: f"{p.number}. {p.title}"  # type: ignore[method-assign,assignment]  # Django's documented hook
        element_field = cast(forms.ModelChoiceField, self.fields["element"])
        elements = Element.objects.filter(principle__instrument=instrument)
        if elements_of is not None and not self.is_bound:
            elements = elements.filter(principle=elements_of)
        element_field.queryset = elements.select_related("principle")
        element_field.label_from_instance = lambda e: (  # type: ignore[method-assign,assignment]  # Django's documented hook
            f"{e.principle.number}{e.letter}. {e.title}"
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        principle, element = cleaned.get("principle"), cleaned.get("element")
        if principle and element and element.principle_id != principle.id:
            self.add_error("element", "Choose an element of the principle selected above, or none.")
        return cleaned


class NextHealthCheckForm(GovukErrorsMixin, forms.Form):
    next_health_check = DateField(
        label="Date of the next health check",
        help_text="This becomes the partnership's review due date.",
    )

    def clean_next_health_check(self) -> date:
        when = self.cleaned_data["next_health_check"]
        if when <= timezone.localdate():
            raise forms.ValidationError("The next health check must be in the future.")
        return when
