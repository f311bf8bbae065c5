"""Who may do what with notifications: each signed-in person chooses their own emails, and nobody else's."""

from __future__ import annotations

from typing import cast

import rules
from rules import Predicate

rules.add_perm("notifications.choose_my_notifications", cast(Predicate, rules.is_authenticated))
