"""Who may see and run which assessment round: the object rules (django-rules) of rounds and their results.

The rules in the users' words are in ``partnerships.rules`` and on the help page. For rounds:

- A round is seen and run by its facilitator; managers see every round and its results but change none.
- Creating a round (facilitators, on an active or exiting partnership) gives no view of anyone else's rounds.
- Only a closed round sets the partnership's next review date, from its action plan.
- Respondents reach their own invitations ("My assessments", their personal link) and nothing else.
"""

from __future__ import annotations

from typing import cast

import rules
from rules import Predicate

from partnerships.rules import is_facilitator, is_manager


@rules.predicate
def facilitates(user, round_) -> bool:
    """The user is the round's facilitator."""
    return round_ is not None and user.is_authenticated and round_.facilitator_id == user.pk


@rules.predicate
def round_is_closed(user, round_) -> bool:
    return round_ is not None and round_.state == "closed"


@rules.predicate
def takes_new_rounds(user, partnership) -> bool:
    """Health checks are run on active and exiting partnerships."""
    return partnership is not None and partnership.status in ("active", "exiting")


runs = is_facilitator & facilitates

rules.add_perm("assessments.see_rounds", is_facilitator | is_manager)
rules.add_perm("assessments.see_all_rounds", is_manager)
rules.add_perm("assessments.create_round", is_facilitator)
rules.add_perm("assessments.start_round_for", is_facilitator & takes_new_rounds)
rules.add_perm("assessments.see_round", runs | is_manager)
rules.add_perm("assessments.run_round", runs)
rules.add_perm("assessments.edit_round", runs & ~round_is_closed)
# The results of a round and its action plan: results/rules.py.
rules.add_perm("assessments.see_my_assessments", cast(Predicate, rules.is_authenticated))
