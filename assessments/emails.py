"""Invitation and reminder emails, rendered from editable plain-text templates.

Each round may override the default subject and body (``Round.invitation_subject`` and so on); a blank field
means the default in ``templates/assessments/emails/``. Both use Django's template language with these
variables: {{ name }}, {{ partnership }}, {{ link }}, {{ closes_on }}, {{ facilitator }}, and from the round's
instrument {{ instrument }} (its title), {{ statements }} (how many) and {{ principles }} (in words).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import apnumber
from django.core.mail import EmailMessage
from django.template import Context, Template, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.template.loader import get_template
from django.utils.formats import date_format

from assessments.selectors import instrument_structure

Kind = Literal["invitation", "reminder"]
KINDS: tuple[Kind, ...] = ("invitation", "reminder")
PARTS = ("subject", "body")
VARIABLES = ("name", "partnership", "link", "closes_on", "facilitator", "instrument", "statements", "principles")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body: str


def default_source(kind: Kind, part: str) -> str:
    """Return the text of the default template for ``kind`` ("invitation" or "reminder") and ``part``."""
    template = get_template(f"assessments/emails/{kind}_{part}.txt")
    return template.template.source  # type: ignore[attr-defined]  # the Django engine's template keeps its source


def template_source(round_, kind: Kind, part: str) -> str:
    """Return the round's own template for ``kind`` and ``part``, or the default when the round has none."""
    own = getattr(round_, f"{kind}_{part}", "") or ""
    return own if own.strip() else default_source(kind, part)


# Facilitators write these templates, so only plain conditions and the variables above are allowed: no
# {% include %}, {% load %} or {% debug %} that could pull other text into an email.
ALLOWED_TAGS = frozenset({"if", "elif", "else", "endif", "comment", "endcomment"})


def check_template(source: str, *, needs_link: bool = False) -> str:
    """Return ``source`` when it is a usable email template; raise ValueError saying what is wrong if not.

    Usable: Django can compile it, it uses only the documented variables and simple ``{% if %}`` tags, and
    (with ``needs_link``) it contains ``{{ link }}`` so each person gets their own link.
    """
    used: set[str] = set()
    for token in Lexer(source).tokenize():
        words = token.contents.split()
        if token.token_type == TokenType.VAR:
            name = token.contents.split("|")[0].split(".")[0].strip()
            if name not in VARIABLES:
                allowed = ", ".join("{{ " + v + " }}" for v in VARIABLES)
                raise ValueError(f"“{{{{ {token.contents} }}}}” is not a variable you can use ({allowed}).")
            used.add(name)
        elif token.token_type == TokenType.BLOCK and (not words or words[0] not in ALLOWED_TAGS):
            raise ValueError(f"“{{% {token.contents} %}}” cannot be used here; only {{% if %}} conditions can.")
    try:
        Template(source)
    except TemplateSyntaxError as exc:
        raise ValueError(str(exc)) from exc
    if needs_link and source.strip() and "link" not in used:
        raise ValueError("The text must contain {{ link }}: it is replaced by each person's own link.")
    return source


def render_email(round_, kind: Kind, *, name: str, link: str) -> RenderedEmail:
    """Return the subject (one line) and body of one email, rendered as plain text (no HTML escaping)."""
    facilitator = round_.facilitator
    structure = instrument_structure(round_.instrument)
    context = Context(
        {
            # What the person is asked to answer, in the words of the round's own instrument.
            "instrument": structure.title,
            "statements": len(structure.statements),
            "principles": apnumber(structure.principle_count),
            "name": name,
            "partnership": round_.partnership.name,
            "link": link,
            "closes_on": date_format(round_.closes_on, "j F Y"),
            "facilitator": facilitator.get_full_name() or facilitator.get_username(),
        },
        autoescape=False,
    )
    subject = Template(template_source(round_, kind, "subject")).render(context)
    body = Template(template_source(round_, kind, "body")).render(context)
    # A header must be one line: a template that spills over lines is joined, not refused.
    return RenderedEmail(subject=" ".join(subject.split()), body=body.strip() + "\n")


def build_message(round_, kind: Kind, *, name: str, email: str, link: str) -> EmailMessage:
    """Return the EmailMessage for one respondent; replies go to the facilitator when they have an email."""
    rendered = render_email(round_, kind, name=name, link=link)
    reply_to = [round_.facilitator.email] if round_.facilitator.email else None
    return EmailMessage(
        subject=rendered.subject,
        body=rendered.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        reply_to=reply_to,
    )


def outbound_message(email) -> EmailMessage:
    """Return the invitation or reminder that the outbox row ``email`` stands for, with the person's link
    worked out again from its salt (registered with the outbox in ``AssessmentsConfig.ready``)."""
    from assessments.services import respond_link  # noqa: PLC0415 (services import this module)

    invitation = email.invitation
    if invitation is None or email.round is None:
        raise ValueError(f"email {email.pk} has no invitation to write to")
    kind: Kind = "reminder" if email.purpose == "reminder" else "invitation"
    return build_message(
        email.round, kind, name=invitation.name, email=email.to, link=respond_link(settings.SITE_URL, invitation)
    )
