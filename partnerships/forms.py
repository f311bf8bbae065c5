"""Forms of the register. They check what a person typed and say what is wrong next to the field; the services
check the register's rules again when saving."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MinValueValidator
from django.forms import BaseInlineFormSet, inlineformset_factory

from config.forms import DateField, DateInput, GovukErrorsMixin
from partnerships import gateway as rules
from partnerships.models import (
    Answer,
    CheckAnswer,
    CouncilPriority,
    ExitRecord,
    Membership,
    Organisation,
    OutsideBodyCheck,
    Partnership,
    Risk,
    RiskAction,
    RiskCategory,
    Sector,
    Status,
)
from partnerships.risks import IMPACT_LABELS, LIKELIHOOD_LABELS, SCALE
from partnerships.services import DETAIL_FIELDS, DETAIL_LISTS, EXIT_FIELDS, RISK_FIELDS, PartnerInput, RiskActionInput


class PriorityChoiceField(forms.ModelMultipleChoiceField):
    """The council's priorities as checkboxes, the strategic ones said so."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} (strategic)" if obj.is_strategic else obj.name


class PartnershipForm(GovukErrorsMixin, forms.ModelForm):
    """The partnership's details. A new partnership is always proposed; on edit, the status may change only as
    ``gateway.statuses_on_edit`` allows (never to active from proposed, never to closed)."""

    error_subject = "the partnership's"

    status = forms.ChoiceField(choices=(), required=False)

    class Meta:
        model = Partnership
        field_classes = {"start_date": DateField, "review_due_date": DateField, "priorities": PriorityChoiceField}
        fields = DETAIL_FIELDS + DETAIL_LISTS
        widgets = {
            "priorities": forms.CheckboxSelectMultiple(),
            "council_role": forms.Textarea(attrs={"rows": 2}),
            "benefit_to_residents": forms.Textarea(attrs={"rows": 2}),
            "governing_agreement": forms.Textarea(attrs={"rows": 2}),
            "exit_strategy": forms.Textarea(attrs={"rows": 2}),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "aims_and_objectives": forms.Textarea(attrs={"rows": 3}),
            "council_priorities": forms.Textarea(attrs={"rows": 2}),
            "service_area": forms.TextInput(attrs={"list": "service-area-options", "autocomplete": "off"}),
            "start_date": DateInput(),
            "review_due_date": DateInput(),
        }
        error_messages = {"reference": {"unique": "A partnership with this reference is already in the register."}}
        help_texts = {
            "review_due_date": "When the next annual review is due. Set a year ahead when the gateway is "
            "approved if left empty.",
            "is_outside_body": "The council appoints members or officers to it as an outside body.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs["autocapitalize"] = "characters"
        priorities = cast(forms.ModelMultipleChoiceField, self.fields["priorities"])
        priorities.queryset = CouncilPriority.objects.order_by("-is_strategic", "name")
        current = self.instance.status if self.instance.pk else None
        if current and len(rules.statuses_on_edit(current)) > 1:
            status_field = cast(forms.ChoiceField, self.fields["status"])
            status_field.choices = [(s, Status(s).label) for s in rules.statuses_on_edit(current)]
            self.fields["status"].required = self.fields["status"].widget.is_required = True
            self.fields["status"].help_text = (
                "An active partnership that the council is leaving is exiting; it is closed by completing "
                "its exit record."
            )
        else:
            del self.fields["status"]

    def clean_reference(self) -> str:
        return self.cleaned_data["reference"].strip().upper()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, review = cleaned.get("start_date"), cleaned.get("review_due_date")
        if start and review and review < start:
            self.add_error("review_due_date", "The review due date cannot be before the start date.")
        status = cleaned.get("status") or self.instance.status
        if status in (Status.ACTIVE, Status.EXITING) and "review_due_date" in cleaned and not review:
            self.add_error("review_due_date", "An active partnership needs a review due date.")
        return cleaned

    @property
    def details(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in DETAIL_FIELDS + DETAIL_LISTS}


class MembershipForm(GovukErrorsMixin, forms.ModelForm):
    """One partner: an organisation from the list, or a new one named here (created on saving)."""

    new_organisation_name = forms.CharField(
        label="Or a new organisation's name",
        max_length=200,
        required=False,
        help_text="Only if it is not in the list above.",
    )
    new_organisation_sector = forms.ChoiceField(
        label="New organisation's sector", choices=[("", "Choose a sector")] + Sector.choices, required=False
    )

    class Meta:
        model = Membership
        fields = ("organisation", "role", "representative", "financial_contribution", "other_resources")
        labels = {"organisation": "Organisation"}
        widgets = {"other_resources": forms.Textarea(attrs={"rows": 2})}

    field_order = (
        "organisation",
        "new_organisation_name",
        "new_organisation_sector",
        "role",
        "representative",
        "financial_contribution",
        "other_resources",
    )

    def __init__(self, *args, organisation_choices=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organisation = cast(forms.ChoiceField, self.fields["organisation"])
        organisation.required = False
        if organisation_choices is not None:
            # Shared by every row: one query for the whole formset rather than one per row.
            organisation.choices = organisation_choices
        contribution = self.fields["financial_contribution"]
        contribution.validators.append(MinValueValidator(0, "A contribution cannot be negative."))
        contribution.widget.attrs.update({"min": "0", "step": "0.01"})

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("DELETE"):
            return cleaned
        organisation = cleaned.get("organisation")
        name = " ".join((cleaned.get("new_organisation_name") or "").split())
        sector = cleaned.get("new_organisation_sector")
        if organisation and name:
            self.add_error("new_organisation_name", "Choose an organisation from the list or name a new one, not both.")
        elif not organisation and not name:
            if "organisation" not in self.errors:
                self.add_error("organisation", "Choose an organisation, or name a new one below.")
        elif name:
            existing = Organisation.objects.filter(name__iexact=name).first()
            if existing is not None:
                self.add_error("new_organisation_name", f"{existing.name} is already in the list: choose it there.")
            elif not sector:
                self.add_error("new_organisation_sector", "Choose the new organisation's sector.")
        cleaned["new_organisation_name"] = name
        return cleaned

    def partner_input(self) -> PartnerInput:
        data = self.cleaned_data
        return PartnerInput(
            membership_id=self.instance.pk,
            organisation=data.get("organisation"),
            new_organisation_name=data.get("new_organisation_name", ""),
            new_organisation_sector=data.get("new_organisation_sector", ""),
            role=data.get("role", ""),
            representative=data.get("representative", ""),
            financial_contribution=data.get("financial_contribution"),
            other_resources=data.get("other_resources", ""),
            remove=bool(data.get("DELETE")),
        )


class BaseMembershipFormSet(BaseInlineFormSet):
    default_error_messages = {
        **BaseInlineFormSet.default_error_messages,
        "too_few_forms": "Add at least one partner organisation.",
    }

    def __init__(self, *args, organisation_choices=None, **kwargs) -> None:
        self.organisation_choices = organisation_choices
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["organisation_choices"] = self.organisation_choices
        return kwargs

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this partner from the partnership"

    def clean(self) -> None:
        # Before Django's own unique check, so a repeated partner gets this message next to its field rather
        # than a generic one for the whole row.
        self._flag_repeated_partners()
        super().clean()

    def _flag_repeated_partners(self) -> None:
        seen: dict[str, int] = {}
        for number, form in enumerate(self.forms, start=1):
            if not hasattr(form, "cleaned_data") or not form.has_changed() or form.cleaned_data.get("DELETE"):
                continue
            organisation = form.cleaned_data.get("organisation")
            key = (organisation.name if organisation else form.cleaned_data.get("new_organisation_name", "")).lower()
            if not key:
                continue
            if key in seen:
                field = "organisation" if organisation else "new_organisation_name"
                form.add_error(field, f"This organisation is already partner {seen[key]}.")
            else:
                seen[key] = number

    def partner_inputs(self) -> list[PartnerInput]:
        rows = []
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            rows.append(cast(MembershipForm, form).partner_input())
        return rows


def membership_formset(extra: int):
    return inlineformset_factory(
        Partnership,
        Membership,
        form=MembershipForm,
        formset=BaseMembershipFormSet,
        extra=extra,
        can_delete=True,
        min_num=1,
        validate_min=True,
    )


class GatewayForm(forms.Form):
    """Every gateway question answered Yes, Partly or No, with evidence. Saving a draft accepts gaps;
    submitting needs every answer, each with its evidence."""

    def __init__(self, *args, submitting: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        for number, question in enumerate(rules.QUESTIONS, start=1):
            self.fields[f"{question.code}-answer"] = forms.ChoiceField(
                label=f"{number}. {question.text}",
                choices=Answer.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"{question.code}-evidence"] = forms.CharField(
                label=f"Evidence for question {number}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=(
                    "What shows this: a document, a decision, a named person; you may paste links to documents "
                    "(https://...). For a Partly or a No, say what is missing and what will be done."
                ),
            )

    @classmethod
    def initial_from(cls, answers: dict) -> dict:
        initial = {}
        for code, answer in answers.items():
            initial[f"{code}-answer"] = answer.answer
            initial[f"{code}-evidence"] = answer.evidence
        return initial

    def answers(self) -> dict[str, rules.AnswerInput]:
        return {
            q.code: rules.AnswerInput(
                self.cleaned_data.get(f"{q.code}-answer") or "",
                self.cleaned_data.get(f"{q.code}-evidence") or "",
            )
            for q in rules.QUESTIONS
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.submitting:
            for code, problem in rules.gateway_problems(self.answers()).items():
                self.add_error(f"{code}-{problem.part}", problem.message)
        return cleaned

    def sections(self):
        """Yield (section, [(question, answer field, evidence field)]) for the template."""
        for section in rules.SECTIONS:
            yield (
                section,
                [(q, self[f"{q.code}-answer"], self[f"{q.code}-evidence"]) for q in section.questions],
            )


class GatewayDecisionForm(GovukErrorsMixin, forms.Form):
    APPROVE, RETURN = "approve", "return"

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(APPROVE, "Approve: the partnership becomes active"), (RETURN, "Return it for more work")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason for returning it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you return it: what must be done before you can approve it.",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("decision") == self.RETURN and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Say why you are returning the gateway.")
        return cleaned


class OutsideBodyCheckForm(GovukErrorsMixin, forms.ModelForm):
    class Meta:
        model = OutsideBodyCheck
        fields = ("representatives", "legal_status", *OutsideBodyCheck.CHECK_FIELDS, "notes")
        widgets = {
            "representatives": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            **{name: forms.RadioSelect for name in OutsideBodyCheck.CHECK_FIELDS},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in OutsideBodyCheck.CHECK_FIELDS:
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = CheckAnswer.choices
            field.label = str(field.label)[0].upper() + str(field.label)[1:]

    @property
    def values(self) -> dict:
        return dict(self.cleaned_data)


class ExitRecordForm(GovukErrorsMixin, forms.ModelForm):
    """The exit document. A draft may be partial; completing it needs every section and, for a statutory or
    contractual partnership, the confirmation that legal and financial advice was taken."""

    class Meta:
        model = ExitRecord
        field_classes = {"exit_date": DateField}
        fields = EXIT_FIELDS
        widgets = {
            "exit_date": DateInput(),
            "objectives_met": forms.RadioSelect,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "reason",
                    "achievements",
                    "lessons_learned",
                    "withdrawal_risks",
                    "handover_and_continuity",
                    "advice_notes",
                )
            },
        }

    def __init__(self, *args, partnership: Partnership, completing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.completing = completing
        objectives_met_field = cast(forms.ChoiceField, self.fields["objectives_met"])
        objectives_met_field.choices = Answer.choices
        if partnership.needs_legal_and_financial_advice_to_exit:
            for name in rules.EXIT_ADVICE_REQUIRED:
                self.fields[
                    name
                ].help_text = f"Required: this partnership is {partnership.get_statutory_status_display().lower()}."

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        exit_date, start = cleaned.get("exit_date"), self.partnership.start_date
        if exit_date and start and exit_date < start:
            self.add_error("exit_date", "The exit date cannot be before the partnership started.")
        if self.completing:
            exit_risks = self.partnership.risks.filter(category=RiskCategory.EXIT).count()
            for name, message in rules.exit_problems(cleaned, self.partnership.statutory_status, exit_risks).items():
                if name not in self.errors:
                    self.add_error(name, message)
        return cleaned

    @property
    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in EXIT_FIELDS}


class RiskForm(GovukErrorsMixin, forms.ModelForm):
    """One risk of the register: what it is, how likely and how bad with the existing controls, who owns it and
    when it is next reviewed."""

    likelihood = forms.TypedChoiceField(
        coerce=int,
        choices=[(n, f"{n} {LIKELIHOOD_LABELS[n].lower()}") for n in SCALE],
        widget=forms.RadioSelect,
        help_text="How likely it is to happen, with the existing controls in place.",
        error_messages={
            "required": "Choose how likely the risk is, from 1 to 5.",
            "invalid_choice": "Choose a likelihood from 1 to 5.",
        },
    )
    impact = forms.TypedChoiceField(
        coerce=int,
        choices=[(n, f"{n} {IMPACT_LABELS[n].lower()}") for n in SCALE],
        widget=forms.RadioSelect,
        help_text="How bad it would be if it happened, with the existing controls in place.",
        error_messages={
            "required": "Choose the impact, from 1 to 5.",
            "invalid_choice": "Choose an impact from 1 to 5.",
        },
    )

    class Meta:
        model = Risk
        field_classes = {"review_date": DateField, "closed_on": DateField}
        fields = RISK_FIELDS
        field_classes = {"review_date": DateField, "closed_on": DateField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "existing_controls": forms.Textarea(attrs={"rows": 3}),
            "review_date": DateInput(),
            "closed_on": DateInput(),
        }
        field_classes = {"review_date": DateField, "closed_on": DateField}
        error_messages = {
            "title": {"required": "Give the risk a short title."},
            "category": {"required": "Choose the category of the risk."},
            "owner": {"required": "Say who owns the risk."},
            "review_date": {"required": "Give the date the risk is next reviewed."},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", "Choose a category"), *RiskCategory.choices]

    @property
    def values(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in RISK_FIELDS}


class RiskActionForm(GovukErrorsMixin, forms.ModelForm):
    class Meta:
        model = RiskAction
        field_classes = {"due_date": DateField, "done_on": DateField}
        fields = ("description", "due_date", "done_on")
        field_classes = {"due_date": DateField, "done_on": DateField}
        labels = {"description": "Further action", "due_date": "Due by", "done_on": "Done on"}
        widgets = {"due_date": DateInput(), "done_on": DateInput()}
        field_classes = {"due_date": DateField, "done_on": DateField}
        error_messages = {"due_date": {"required": "Give the date this action is due by."}}

    def action_input(self) -> RiskActionInput:
        data = self.cleaned_data
        return RiskActionInput(
            action_id=self.instance.pk,
            description=data.get("description", ""),
            due_date=data.get("due_date"),
            done_on=data.get("done_on"),
            remove=bool(data.get("DELETE")),
        )


class BaseRiskActionFormSet(BaseInlineFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this action"

    def action_inputs(self) -> list[RiskActionInput]:
        return [
            cast(RiskActionForm, form).action_input()
            for form in self.forms
            if hasattr(form, "cleaned_data") and (form.has_changed() or form.instance.pk is not None)
        ]


def risk_action_formset(extra: int):
    return inlineformset_factory(
        Risk, RiskAction, form=RiskActionForm, formset=BaseRiskActionFormSet, extra=extra, can_delete=True
    )


class RiskFilterForm(forms.Form):
    """The heat map's links and the register's filters: a cell (likelihood and impact) and a category. A value
    that is not on the scale (a tampered link) is dropped, showing every risk."""

    likelihood = forms.TypedChoiceField(coerce=int, choices=[(n, n) for n in SCALE], required=False, empty_value=None)
    impact = forms.TypedChoiceField(coerce=int, choices=[(n, n) for n in SCALE], required=False, empty_value=None)
    category = forms.ChoiceField(choices=[("", "Any category"), *RiskCategory.choices], required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {k: v for k, v in self.cleaned_data.items() if k not in self.errors and v}
        return {k: v for k, v in self.cleaned_data.items() if v}


class SignificanceOverrideForm(GovukErrorsMixin, forms.ModelForm):
    """A manager's override of the significance rules, with its reason."""

    error_subject = "the override's"

    class Meta:
        model = Partnership
        fields = ("significance_override", "significance_reason")
        widgets = {
            "significance_override": forms.RadioSelect(),
            "significance_reason": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"significance_override": "Is this partnership significant?"}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("significance_override") and not (cleaned.get("significance_reason") or "").strip():
            self.add_error("significance_reason", "Give the reason for overriding the rules.")
        return cleaned
