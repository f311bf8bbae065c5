"""Writes of stage 4, the action plan: its actions and the date of the next health check."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from assessments.models import ActionItem, Round, RoundState
from assessments.services import DOUBLE_SUBMIT_WINDOW, ServiceError


@transaction.atomic
def action_item_create(round_: Round, **fields) -> tuple[ActionItem, bool]:
    """Add an action to the round's plan; return it and whether it is new.

    The same action sent twice within a couple of minutes (a double click, a resent form) is not added again.
    """
    Round.objects.select_for_update(no_key=True).filter(pk=round_.pk).first()  # one writer per round at a time
    existing = ActionItem.objects.filter(
        round=round_, created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW, **fields
    ).first()
    if existing is not None:
        return existing, False
    return ActionItem.objects.create(round=round_, **fields), True


@transaction.atomic
def action_item_update(action: ActionItem, **fields) -> ActionItem:
    """Change an action of the plan (its history is kept)."""
    for name, value in fields.items():
        setattr(action, name, value)
    action.save()
    return action


@transaction.atomic
def round_set_next_health_check(round_: Round, when: datetime.date) -> Round:
    """Record the date of the next health check; it becomes the partnership's review due date.

    Only a closed round sets it: a draft or open round is not a review, so it cannot move the date.
    """
    if round_.state != RoundState.CLOSED:
        raise ServiceError("The next health check is agreed once the round is closed.")
    round_.next_health_check = when
    round_.save(update_fields=["next_health_check"])
    partnership = round_.partnership
    partnership.review_due_date = when
    partnership.save(update_fields=["review_due_date", "updated_at"])
    return round_
