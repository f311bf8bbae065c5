"""Who may see a round's results and run its action plan (django-rules); the rules in the users' words are in
``partnerships.rules`` and on the help page.

- A round's results (pages, profiles, workshop, CSV and JSON exports, charts) are seen by its facilitator and by
  managers; nobody else, not even a facilitator of another round of the same partnership.
- Its action plan is kept by its facilitator; only once the round is closed can it set the partnership's next
  review date.
- A round's total and band, as the register and the partnership page show them, are also seen by register
  administrators (they keep the register); a facilitator sees only those of their own rounds.
"""

from __future__ import annotations

import rules

from assessments.rules import round_is_closed, runs
from partnerships.rules import is_manager, is_register_admin

rules.add_perm("results.view_round", runs | is_manager)
rules.add_perm("results.plan_actions", runs)
rules.add_perm("results.set_next_review", runs & round_is_closed)
rules.add_perm("results.see_summary", runs | is_manager | is_register_admin)
rules.add_perm("results.see_all_summaries", is_manager | is_register_admin)
