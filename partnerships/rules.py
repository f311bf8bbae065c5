"""Who may do what in the partnership register: the object rules (django-rules), written once.

Every view states one of these in its one-line gate, the selectors that list things filter by the same
conditions, templates ask ``{% has_perm %}``, and the admin is for superusers only. The rules, in the users'
words (the help page says the same):

- Respondents see their own invitations and their own profile, and nothing of the register or of other rounds.
- Facilitators see and act on the rounds they facilitate, and the register entries of those partnerships;
  creating a round gives no view of anyone else's rounds. Only a closed round they facilitate can set a
  partnership's next review date.
- Managers see everything and change nothing but gateway decisions, significance overrides and their own
  reports.
- Register administrators keep the register (partnerships, gateway answers, outside-body checks, exit records,
  review dates); they do not decide gateways.

Superusers may do everything (Django answers ``has_perm`` for them before any rule is asked). Anyone signed
out is sent to the sign-in page by the views' gate.
"""

from __future__ import annotations

from typing import cast

import rules
from rules import Predicate

from config.roles import FACILITATOR, MANAGER, REGISTER_ADMIN, RESPONDENT

# is_group_member returns a Predicate (its stub says only "callable"): composed below with | & ~.
is_respondent = cast(Predicate, rules.is_group_member(RESPONDENT))
is_facilitator = cast(Predicate, rules.is_group_member(FACILITATOR))
is_manager = cast(Predicate, rules.is_group_member(MANAGER))
is_register_admin = cast(Predicate, rules.is_group_member(REGISTER_ADMIN))


@rules.predicate
def facilitates_a_round_of(user, partnership) -> bool:
    """The user facilitates one of the partnership's rounds (whatever its state)."""
    if partnership is None or not user.is_authenticated:
        return False
    return partnership.rounds.filter(facilitator=user).exists()


@rules.predicate
def is_closed(user, partnership) -> bool:
    return partnership is not None and partnership.status == "closed"


@rules.predicate
def is_proposed(user, partnership) -> bool:
    return partnership is not None and partnership.status == "proposed"


@rules.predicate
def is_outside_body(user, partnership) -> bool:
    return partnership is not None and partnership.is_outside_body


@rules.predicate
def gateway_is_editable(user, partnership) -> bool:
    """No gateway yet, or one in draft or returned for more work."""
    gateway = getattr(partnership, "gateway", None)
    return gateway is None or gateway.is_editable


@rules.predicate
def exit_is_completed(user, partnership) -> bool:
    record = getattr(partnership, "exit_record", None)
    return record is not None and record.is_complete


sees_whole_register = is_manager | is_register_admin

# The register as a list: a facilitator's list holds only the partnerships of their rounds.
rules.add_perm("partnerships.see_register", sees_whole_register | is_facilitator)
rules.add_perm("partnerships.see_whole_register", sees_whole_register)
rules.add_perm("partnerships.see_partnership", sees_whole_register | (is_facilitator & facilitates_a_round_of))
rules.add_perm("partnerships.see_reviews_due", sees_whole_register)
rules.add_perm("partnerships.see_history", sees_whole_register)
rules.add_perm("partnerships.keep_register", is_register_admin)
rules.add_perm("partnerships.record_partnership", is_register_admin)
rules.add_perm("partnerships.edit_partnership", is_register_admin & ~is_closed)
# Gateways: register administrators answer and submit them, managers decide them (never their own submission:
# the four-eyes rule is the condition of the gateway's approve and send_back transitions).
rules.add_perm("partnerships.see_gateway", sees_whole_register)
rules.add_perm("partnerships.edit_gateway", is_register_admin & is_proposed & gateway_is_editable)
rules.add_perm("partnerships.decide_gateway", is_manager)
rules.add_perm("partnerships.see_gateways_awaiting", is_manager)
rules.add_perm("partnerships.see_outside_body", sees_whole_register)
rules.add_perm("partnerships.edit_outside_body", is_register_admin & is_outside_body & ~is_closed)
rules.add_perm("partnerships.see_exit", sees_whole_register)
# Significance (issue 19): everyone who reads the whole register sees why; managers override the rules.
rules.add_perm("partnerships.see_significance", sees_whole_register)
rules.add_perm("partnerships.override_significance", is_manager & ~is_closed)
rules.add_perm("partnerships.edit_exit", is_register_admin & ~is_closed & ~exit_is_completed)
# The risk register: register administrators keep it; managers read every partnership's risks; facilitators
# those of the partnerships whose rounds they facilitate (like the register entry); respondents none.
rules.add_perm("partnerships.see_risks", sees_whole_register | (is_facilitator & facilitates_a_round_of))
rules.add_perm("partnerships.see_risk_list", sees_whole_register | is_facilitator)
rules.add_perm("partnerships.edit_risks", is_register_admin)
