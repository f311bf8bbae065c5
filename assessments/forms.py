"""Forms for setting up rounds, inviting respondents and answering the rapid partnership profile."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat

from assessments import emails
from assessments.mailboxes import mailbox_key
from assessments.models import Instrument, Invitation, Level, Round, RoundState, scope_for
from assessments.partners import match_organisation
from assessments.readmodel import InstrumentStructure, PrincipleInfo, ScaleOption, StatementInfo
from assessments.scoring import OTHER_GROUP
from assessments.services import (
    COMMENT_MAX_LENGTH,
    FACILITATOR_REFUSED,
    ROUND_FIELDS,
    AnswerInput,
    InvitationRow,
    mailbox_problem,
)
from config.forms import DateField, DateInput, GovukErrorsMixin
from config.roles import FACILITATOR
from outbox.addresses import validate_deliverable_email
from partnerships.models import Partnership, Status

MAX_IMPORT_ROWS = 500
CSV_COLUMNS = ("name", "email", "organisation", "level")


class RoundForm(GovukErrorsMixin, forms.ModelForm):
    """Stage 1, preparation: everything a facilitator decides before inviting anyone."""

    error_subject = "the round's"

    levels = forms.MultipleChoiceField(
        label="Levels taking part",
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Invite people from every level taking part.",
    )

    class Meta:
        model = Round
        field_classes = {"opens_on": DateField, "closes_on": DateField}
        fields = list(ROUND_FIELDS)  # the set-up fields the round services accept
        labels = {
            "anonymous": "Anonymous round",
            "facilitation": "Facilitation",
            "opens_on": "Opens on",
            "closes_on": "Closes on",
        }
        help_texts = {
            "anonymous": (
                "Anonymous: once submitted, an answer cannot be traced back to the person who gave it, not even "
                "in the database. Named: the facilitator sees each person's answers. Fixed when the round opens."
            ),
        }
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "feedback_arrangements": forms.Textarea(attrs={"rows": 3}),
            "action_arrangements": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        User = get_user_model()
        current = self.instance.facilitator_id if self.instance.pk else None
        facilitator_field = cast(forms.ModelChoiceField, self.fields["facilitator"])
        facilitator_field.queryset = (
            User.objects.filter(Q(groups__name=FACILITATOR) | Q(is_superuser=True) | Q(pk=current), is_active=True)
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        facilitator_field.label_from_instance = lambda u: (  # type: ignore[method-assign,assignment]  # Django's documented hook
            u.get_full_name() or u.get_username()
        )
        partnerships = Partnership.objects.exclude(status=Status.CLOSED)
        if self.instance.pk:
            # The round's own partnership stays a choice: closed, or the council's own entry (its self-assessment).
            partnerships = partnerships | Partnership.with_council.filter(pk=self.instance.partnership_id)
        partnership_field = cast(forms.ModelChoiceField, self.fields["partnership"])
        partnership_field.queryset = partnerships.order_by("name")
        instrument_field = cast(forms.ModelChoiceField, self.fields["instrument"])
        # Only the instruments of the partnership's kind: the standards for excellence are the council's own
        # self-assessment, not a partnership's health check. A new round is always a partnership's.
        own = self.instance.partnership if self.instance.pk else None
        offered = Instrument.objects.for_partnership(own)
        if self.instance.pk:
            offered = offered | Instrument.objects.filter(pk=self.instance.instrument_id)
        instrument_field.queryset = offered.order_by("slug", "-version")
        if self.instance.pk and self.instance.state != RoundState.DRAFT:
            # Answers already given belong to this partnership and instrument, and were given under the
            # round's promise of anonymity (or not): none of these may change.
            for name in ("partnership", "instrument", "anonymous"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Fixed once the round has opened."

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "The close date cannot be before the open date.")
        partnership, instrument = cleaned.get("partnership"), cleaned.get("instrument")
        changed = {"partnership", "instrument"} & set(self.changed_data)
        if changed and partnership and instrument and instrument.scope != scope_for(partnership):
            self.add_error(
                "instrument",
                f"{instrument.title} cannot be used for {partnership.name}: "
                f"it is a {instrument.get_scope_display().lower()}.",
            )
        return cleaned


class RoundEmailsForm(GovukErrorsMixin, forms.Form):
    """The round's own invitation and reminder emails; blank fields use the defaults."""

    invitation_subject = forms.CharField(label="Invitation subject", required=False, max_length=200)
    invitation_body = forms.CharField(
        label="Invitation text", required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    reminder_subject = forms.CharField(label="Reminder subject", required=False, max_length=200)
    reminder_body = forms.CharField(label="Reminder text", required=False, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            kind, part = name.split("_")
            form_field.widget.attrs["placeholder"] = emails.default_source(cast(emails.Kind, kind), part).strip()
            form_field.help_text = "Leave blank to use the default shown."

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for name, source in list(cleaned.items()):
            try:
                emails.check_template(source or "", needs_link=name.endswith("_body"))
            except ValueError as exc:
                self.add_error(name, f"This template cannot be used: {exc}")
        return cleaned


class RoundStateForm(forms.Form):
    """Open or close a round (POST only, so a link or a crawler cannot change it)."""

    action = forms.ChoiceField(choices=[("open", "Open"), ("close", "Close")])
    risks_reviewed = forms.BooleanField(
        label="The partnership's risk register was reviewed in this health check",
        required=False,
        help_text="The annual review includes the risks (seed 002): each risk's likelihood, impact, controls and "
        "actions looked at again.",
    )


# --- Invitations ------------------------------------------------------------------------------------------


def level_from_text(text: str) -> str | None:
    """Return the Level value for a label or value typed in any case ("Front-line staff", "front_line")."""
    wanted = " ".join(text.split()).casefold()
    for value, label in Level.choices:
        if wanted in (value.casefold(), label.casefold()):
            return value
    return None


class InvitationForm(GovukErrorsMixin, forms.Form):
    error_subject = "the person's"
    name = forms.CharField(max_length=200)
    email = forms.EmailField(max_length=254, validators=[validate_deliverable_email])
    organisation = forms.ChoiceField(
        choices=(),
        help_text="One of the partnership's partner organisations, or Other for someone outside them: each "
        "partner is one group in the results.",
        error_messages={"invalid_choice": "Choose one of the partner organisations, or Other."},
    )
    level = forms.ChoiceField(choices=Level.choices)

    def __init__(self, *args, round_: Round, partner_names: Sequence[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.round = round_
        organisation = cast(forms.ChoiceField, self.fields["organisation"])
        organisation.choices = [
            ("", "Choose an organisation"),
            *((name, name) for name in partner_names),
            (OTHER_GROUP, "Other: not one of the partner organisations"),
        ]
        if round_.levels:
            level_field = cast(forms.ChoiceField, self.fields["level"])
            level_field.choices = [(v, label) for v, label in Level.choices if v in round_.levels]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        problem = mailbox_problem(self.round, email)
        if problem:
            raise ValidationError(problem)
        return email

    def row(self) -> InvitationRow:
        data = self.cleaned_data
        return InvitationRow(data["name"].strip(), data["email"], data["organisation"].strip(), data["level"])


@dataclass
class BadRow:
    line: int
    text: str
    reasons: list[str]


@dataclass
class CsvPreview:
    good: list[tuple[int, InvitationRow]] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)

    @property
    def rows(self) -> list[InvitationRow]:
        return [row for _, row in self.good]


def parse_invitations_csv(  # noqa: C901
    text: str,
    *,
    existing_emails: Iterable[str] = (),
    allowed_levels: Sequence[str] = (),
    partner_names: Sequence[str] | None = None,
    max_rows: int = MAX_IMPORT_ROWS,
    refused_email: str = "",
) -> CsvPreview:
    """Return the good rows and the bad ones (with line numbers and every reason) of a CSV of respondents.

    Columns: name, email, organisation, level, in that order or in any order under a header row. Level takes
    the labels or values of ``Level`` in any case; ``allowed_levels`` (the round's levels) narrows it.
    Blank lines are skipped. Nothing is saved here. With ``partner_names``, the organisation must name one of
    them (any case) or "Other", and is stored as the register spells it. Two addresses of one mailbox
    (``assessments.mailboxes``) count as one person; ``refused_email`` (an anonymous round's facilitator) may not
    be invited.
    """
    existing = {mailbox_key(e) for e in existing_emails}
    refused = mailbox_key(refused_email) if refused_email else None
    preview = CsvPreview()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    columns = list(CSV_COLUMNS)
    seen: dict[str, int] = {}
    data_rows = 0
    previous_line = 0
    first = True
    for record in reader:
        line = previous_line + 1
        previous_line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        cells = [cell.strip() for cell in record]
        if first:
            first = False
            header = [c.casefold().replace("organization", "organisation") for c in cells]
            if set(header) == set(CSV_COLUMNS) and len(header) == len(CSV_COLUMNS):
                columns = header
                continue
        data_rows += 1
        reasons: list[str] = []
        if data_rows > max_rows:
            preview.bad.append(
                BadRow(line, ",".join(record), [f"too many rows: one import takes at most {max_rows} people"])
            )
            continue
        if len(cells) != len(CSV_COLUMNS):
            reasons.append(f"has {len(cells)} columns, expected 4 (name, email, organisation, level)")
        values = dict(zip(columns, cells + [""] * (len(columns) - len(cells)), strict=False))
        name, email, organisation = values["name"], values["email"], values["organisation"]
        if not name:
            reasons.append("name is missing")
        if not email:
            reasons.append("email is missing")
        else:
            try:
                validate_deliverable_email(email)
            except ValidationError:
                reasons.append(f"“{email}” is not a valid email address")
            else:
                key = mailbox_key(email)
                if key in seen:
                    reasons.append(
                        f"{email} appears more than once in the file (first on line {seen[key]}), counting "
                        "capitals, dots and +tags as the same mailbox"
                    )
                elif key in existing:
                    reasons.append(f"{email} is already invited to this round (the same mailbox)")
                elif key == refused:
                    reasons.append(f"{email} is the facilitator's own address: {FACILITATOR_REFUSED}")
                seen.setdefault(key, line)
        if not organisation:
            reasons.append("organisation is missing")
        elif partner_names is not None:
            matched = match_organisation(organisation, partner_names)
            if matched is None:
                names = ", ".join(partner_names) or "none recorded"
                reasons.append(
                    f"organisation “{organisation}” is not a partner of this partnership (partners: {names}; "
                    "or write Other)"
                )
            else:
                organisation = matched
        level = level_from_text(values["level"])
        if level is None:
            accepted = ", ".join(label for _, label in Level.choices)
            reasons.append(f"level “{values['level']}” is unknown (use one of: {accepted})")
        elif allowed_levels and level not in allowed_levels:
            reasons.append(f"level “{Level(level).label}” is not taking part in this round")
        if reasons:
            preview.bad.append(BadRow(line, ",".join(record), reasons))
        else:
            preview.good.append((line, InvitationRow(name, email, organisation, level or "")))
    return preview


class InvitationImportForm(GovukErrorsMixin, forms.Form):
    """Paste CSV or upload a CSV file; ``clean`` returns the text in ``cleaned_data["text"]``."""

    csv_text = forms.CharField(
        label="Paste CSV",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="One person a line: name, email, organisation, level. A header row is optional.",
    )
    csv_file = forms.FileField(
        label="Or upload a CSV file",
        required=False,
        help_text="Saved from a spreadsheet as “CSV UTF-8”.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        upload = cleaned.get("csv_file")
        pasted = cleaned.get("csv_text") or ""
        limit = settings.MAX_CSV_UPLOAD_BYTES
        if upload:
            if upload.size > limit:
                raise ValidationError(
                    f"The file is {filesizeformat(upload.size)}; the largest accepted is {filesizeformat(limit)}. "
                    "Split it into smaller files."
                )
            raw = upload.read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is None or "\x00" in text:
                raise ValidationError(
                    "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8 (comma delimited)” "
                    "and upload it again."
                )
        else:
            if len(pasted.encode("utf-8")) > limit:
                raise ValidationError(f"The pasted text is longer than {filesizeformat(limit)}.")
            text = pasted
        if not text.strip():
            raise ValidationError("Paste some rows or choose a file.")
        cleaned["text"] = text
        return cleaned


class InvitationConfirmForm(forms.Form):
    """Carries the previewed CSV back, so the rows are checked again at the moment they are saved."""

    text = forms.CharField(widget=forms.HiddenInput, strip=False)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if len(text.encode("utf-8")) > settings.MAX_CSV_UPLOAD_BYTES:
            raise ValidationError("The rows are too long to import.")
        return text


class ReopenForm(GovukErrorsMixin, forms.Form):
    invitation = forms.ModelChoiceField(queryset=Invitation.objects.none(), label="Whose response")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label="Reason")

    def __init__(self, *args, invitations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        invitation_field = cast(forms.ModelChoiceField, self.fields["invitation"])
        invitation_field.queryset = invitations
        invitation_field.label_from_instance = lambda i: (  # type: ignore[method-assign,assignment]  # Django's documented hook
            f"{i.name} ({i.organisation})"
        )


# --- The respondent's journey -----------------------------------------------------------------------------


class AnswerRadio(forms.RadioSelect):
    def __init__(self) -> None:
        super().__init__(attrs={"class": "govuk-radios__input"})


# GOV.UK wording for a comment that is too long (the limit written as people write numbers: 4,000).
COMMENT_ERRORS = {"max_length": f"Comment must be {COMMENT_MAX_LENGTH:,} characters or fewer"}


@dataclass
class SheetRow:
    statement: StatementInfo
    answer: forms.BoundField
    comment: forms.BoundField


class PrincipleSheetForm(forms.Form):
    """One principle's statements: an answer on the instrument's scale each (may be left for later) and a
    comment each."""

    def __init__(self, *args, statements: Sequence[StatementInfo], options: Sequence[ScaleOption], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.statements = statements
        # The saved sheet this page was given (see services.sheet_version): a save made elsewhere since is found.
        self.fields["version"] = forms.CharField(required=False, widget=forms.HiddenInput)
        choices = [(str(o.value), o.label) for o in options]
        for statement in statements:
            self.fields[f"answer_{statement.pk}"] = forms.TypedChoiceField(
                label=f"{statement.code}. {statement.text}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": f"Select how far you agree with statement {statement.code}"},
                widget=AnswerRadio(),
            )
            self.fields[f"comment_{statement.pk}"] = forms.CharField(
                label=f"Comment on statement {statement.code}",
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                error_messages=COMMENT_ERRORS,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[SheetRow]:
        return [SheetRow(s, self[f"answer_{s.pk}"], self[f"comment_{s.pk}"]) for s in self.statements]

    def answers(self) -> list[AnswerInput]:
        return [
            AnswerInput(s.pk, self.cleaned_data[f"answer_{s.pk}"], self.cleaned_data[f"comment_{s.pk}"])
            for s in self.statements
        ]


class SignificanceForm(forms.Form):
    """The relative significance of each principle, 1 (less significant) to 5 (more significant) on the PAT."""

    def __init__(self, *args, structure: InstrumentStructure, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.principles = list(structure.principles)
        # The saved values this page was given (services.significance_version): a save made elsewhere is found.
        self.fields["version"] = forms.CharField(required=False, widget=forms.HiddenInput)
        scale = structure.significance
        if scale is None:
            raise ValueError("The instrument has no significance scale.")
        choices = []
        for value in scale.values:
            label = str(value)
            if value == scale.min:
                label = f"{value} – {scale.min_label}"
            elif value == scale.max:
                label = f"{value} – {scale.max_label}"
            choices.append((str(value), label))
        for principle in self.principles:
            self.fields[f"significance_{principle.number}"] = forms.TypedChoiceField(
                label=f"Principle {principle.number}: {principle.title}",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": f"Select how significant principle {principle.number} is"},
                widget=AnswerRadio(),
            )

    def rows(self) -> list[tuple[PrincipleInfo, forms.BoundField]]:
        return [(p, self[f"significance_{p.number}"]) for p in self.principles]

    def values(self) -> list[int | None]:
        return [self.cleaned_data[f"significance_{p.number}"] for p in self.principles]


class SuccessForm(forms.Form):
    success = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        widget=AnswerRadio(),
        error_messages={"invalid_choice": "Select how far you agree with the statement"},
    )
    success_comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        error_messages=COMMENT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, structure: InstrumentStructure, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The saved answer this page was given (services.success_version): a save made elsewhere is found.
        self.fields["version"] = forms.CharField(required=False, widget=forms.HiddenInput)
        success_field = cast(forms.ChoiceField, self.fields["success"])
        success_field.choices = [(str(o.value), o.label) for o in structure.scale_options]
        self.fields["success"].label = structure.success_statement
        self.fields["success_comment"].label = structure.success_comment_prompt
