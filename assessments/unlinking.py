"""Unlinking a submitted anonymous response from the person who gave it (SPEC section 3, anonymity).

Once a response in an anonymous round is submitted, the database must not be able to say whose it is, even
to someone holding a full copy of it and of the settings. So the submitted response is a new row:

- no invitation (the draft that was linked to it is deleted, with its answer rows);
- a random id, not one from the sequence that numbers drafts in the order people started;
- no timestamp (the invitation keeps only the day it was submitted);
- no organisation or level: the breakdowns come from ``GroupTally`` rows, added to in the same transaction;
- the answers and comments in two arrays on the row itself, so no answer rows with their own ids;
- and every unlinked row of the round is deleted and inserted again, in a random order, in the same
  transaction (one statement: ``reinsert_shuffled``): PostgreSQL's physical order (ctid) and the transaction
  id that wrote each row (xmin) would otherwise follow the order of submission, and the invitation updated in
  the same transaction shares it.

The functions take the model classes (``apps``) so the data migration can run them on its historical models.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from assessments import scoring
from assessments.models import Level

# Random ids are drawn above every id the sequence will reach and below 2**53, so that they survive
# JavaScript and JSON readers unchanged.
RANDOM_ID_MIN = 2**40
RANDOM_ID_MAX = 2**53 - 1
LEVEL_LABELS = dict(Level.choices)
ORGANISATION = "organisation"
LEVEL = "level"


def random_id() -> int:
    """Return a random id for an unlinked response (``secrets``: not predictable from earlier ids)."""
    return RANDOM_ID_MIN + secrets.randbelow(RANDOM_ID_MAX - RANDOM_ID_MIN)


def statement_ids(apps: Any, instrument_id: int) -> list[int]:
    """Return the instrument's statement ids in order (positions 1, 2, 3 ...): the index of ``answer_values``."""
    statement = apps.get_model("assessments", "Statement")
    return list(
        statement.objects.filter(principle__instrument_id=instrument_id)
        .order_by("position")
        .values_list("id", flat=True)
    )


def answers_in_order(apps: Any, response_id: int, ids: Sequence[int]) -> tuple[list[int | None], list[str]]:
    """Return the response's answer values and comments in statement order (None and "" where missing)."""
    answer = apps.get_model("assessments", "Answer")
    found = {
        row[0]: (row[1], row[2])
        for row in answer.objects.filter(response_id=response_id).values_list("statement_id", "value", "comment")
    }
    return [found.get(i, (None, ""))[0] for i in ids], [found.get(i, (None, ""))[1] for i in ids]


def unlinked_copy(apps: Any, draft: Any, values: Sequence[int | None], comments: Sequence[str]) -> Any:
    """Return an unsaved submitted response with the draft's answers and scores and nothing that links it."""
    response = apps.get_model("assessments", "Response")
    return response(
        id=random_id(),
        invitation=None,
        round_id=draft.round_id,
        status="submitted",
        significance=list(draft.significance or []),
        success=draft.success,
        success_comment=draft.success_comment,
        principle_scores=list(draft.principle_scores),
        total=draft.total,
        answer_values=list(values),
        answer_comments=list(comments),
        started_at=None,
        updated_at=None,
        submitted_at=None,
    )


def reinsert_shuffled(apps: Any, round_id: int, new_rows: Sequence[Any] = ()) -> None:
    """Delete the round's unlinked responses and insert them again with ``new_rows``, in a random order.

    Must run in the transaction that adds ``new_rows`` (holding the round's lock): then every unlinked row of
    the round carries that transaction's id and sits in a random physical place. One statement, whatever the
    round's size: the rows never leave the database server, and the order comes from ``gen_random_uuid()``
    (PostgreSQL's strong random source, like ``secrets`` here). Unlinked rows have no answer rows and no
    reopenings, so nothing else points at them and no cascade is needed.
    """
    response = apps.get_model("assessments", "Response")
    fields = response._meta.concrete_fields
    quote = connection.ops.quote_name
    table = quote(response._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    rows_sql = f"SELECT {columns} FROM old"  # noqa: S608 (names from the model)
    params: list[Any] = [round_id]
    if new_rows:
        # Each value cast to its column's type: a VALUES list has no types of its own.
        row_sql = "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in fields) + ")"
        values = ", ".join([row_sql] * len(new_rows))
        rows_sql += f" UNION ALL SELECT * FROM (VALUES {values}) AS new_rows"  # noqa: S608 (placeholders only)
        params += [f.get_db_prep_save(getattr(row, f.attname), connection) for row in new_rows for f in fields]
    with connection.cursor() as cursor:
        # A new random id that meets an existing one (about one chance in 2**53 per row) fails the whole
        # submit with an IntegrityError: it is rolled back, nothing is lost, and submitting again draws anew.
        cursor.execute(
            f"WITH old AS (DELETE FROM {table} WHERE round_id = %s AND invitation_id IS NULL RETURNING {columns})"  # noqa: S608 (names from the model)
            f" INSERT INTO {table} ({columns}) SELECT {columns} FROM ({rows_sql}) AS all_rows"
            " ORDER BY gen_random_uuid()",
            params,
        )


def draft_delete(apps: Any, response_id: int) -> None:
    """Delete a draft response and its answer rows in one statement.

    Only for the draft of an anonymous round being submitted: nothing else can point at it (a reopening is for
    a submitted response of a named round), so Django's collector, a SELECT and a DELETE per related table, is
    not needed.
    """
    quote = connection.ops.quote_name
    response = quote(apps.get_model("assessments", "Response")._meta.db_table)
    answer = quote(apps.get_model("assessments", "Answer")._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH answers AS (DELETE FROM {answer} WHERE response_id = %s)"  # noqa: S608 (names from the model)
            f" DELETE FROM {response} WHERE id = %s AND invitation_id IS NOT NULL",
            [response_id, response_id],
        )


def tallies_add(apps: Any, round_id: int, organisation: str, level: str, scores: Sequence[int]) -> None:
    """Add one respondent's principle scores to their organisation's and level's tallies in the round.

    One ``INSERT ... ON CONFLICT DO UPDATE`` for both groups: the row of a group seen before is locked and
    added to in place, a new group's row is created. Raises ValueError when the round's breakdown is final.
    """
    group = scoring.add_to_group(None, organisation, scores)  # checks there is a score for every principle
    tally = apps.get_model("assessments", "GroupTally")
    table = connection.ops.quote_name(tally._meta.db_table)
    sums, total = list(group.principle_sums or ()), group.total_sum
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS t (round_id, dimension, name, respondents, principle_sums, total_sum, withheld,"  # noqa: S608 (names from the model)
            " final) VALUES (%s, %s, %s, 1, %s::integer[], %s, false, false), (%s, %s, %s, 1, %s::integer[], %s,"
            " false, false)"
            " ON CONFLICT (round_id, dimension, name) DO UPDATE SET respondents = t.respondents + 1,"
            " principle_sums = ARRAY(SELECT a + b FROM unnest(t.principle_sums, EXCLUDED.principle_sums)"
            " WITH ORDINALITY AS sums(a, b, place) ORDER BY place),"
            " total_sum = t.total_sum + EXCLUDED.total_sum"
            " WHERE NOT t.final AND t.principle_sums IS NOT NULL"
            " RETURNING t.id",
            [
                *(round_id, ORGANISATION, organisation, sums, total),
                *(round_id, LEVEL, LEVEL_LABELS.get(level, level), sums, total),
            ],
        )
        if len(cursor.fetchall()) != 2:
            # Nothing was added: the whole submit is rolled back.
            raise ValueError("The breakdown of this round is final: nothing can be added to it.")


def tallies_finalise(apps: Any, round_id: int, min_group_size: int) -> None:
    """Replace the round's tallies with its breakdowns as shown: small groups merged, withheld ones emptied.

    Run when an anonymous round closes: afterwards the database holds no group smaller than the results show.
    """
    tally = apps.get_model("assessments", "GroupTally")
    rows = list(tally.objects.filter(round_id=round_id, final=False))
    if not rows:
        return
    final = []
    for dimension in (ORGANISATION, LEVEL):
        groups = [
            scoring.GroupSums(r.name, r.respondents, tuple(r.principle_sums), r.total_sum)
            for r in rows
            if r.dimension == dimension
        ]
        for group in scoring.breakdown_from_sums(groups, min_group_size):
            final.append(
                tally(
                    round_id=round_id,
                    dimension=dimension,
                    name=group.name or scoring.OTHER_GROUP,
                    respondents=group.n,
                    principle_sums=list(group.principle_sums) if group.principle_sums is not None else None,
                    total_sum=group.total_sum,
                    withheld=group.withheld,
                    final=True,
                )
            )
    tally.objects.filter(round_id=round_id).delete()
    tally.objects.bulk_create(final)


def unlink_submitted(
    apps: Any, round_ids: Iterable[int] | None = None, *, min_group_size: int = 3, finalise: bool = True
) -> int:
    """Unlink every submitted response of the anonymous rounds (all rounds when ``round_ids`` is None).

    Also copies the answers of named rounds' submitted responses into ``answer_values``/``answer_comments``
    and dates every submitted invitation (``submitted_on``). Every aggregate and profile number stays the
    same. The tallies of closed rounds are made final unless ``finalise`` is False (tests that add to a closed
    round's history later). Returns how many responses were unlinked. Used by the data migration and the demo.
    """
    round_model = apps.get_model("assessments", "Round")
    response = apps.get_model("assessments", "Response")
    invitation = apps.get_model("assessments", "Invitation")
    rounds = round_model.objects.all() if round_ids is None else round_model.objects.filter(pk__in=list(round_ids))
    unlinked = 0
    for round_ in rounds.order_by("pk"):
        drafts = list(
            response.objects.filter(round_id=round_.pk, status="submitted", invitation__isnull=False)
            .select_related("invitation")
            .order_by("pk")
        )
        if not drafts:
            continue
        ids = statement_ids(apps, round_.instrument_id)
        copies = []
        tallies: dict[tuple[str, str], scoring.GroupSums] = {}
        submitted_on: dict[int, Any] = defaultdict(lambda: None)
        for draft in drafts:
            values, comments = answers_in_order(apps, draft.pk, ids)
            when = draft.submitted_at or draft.updated_at
            submitted_on[draft.invitation_id] = timezone.localdate(when) if when else timezone.localdate()
            if not round_.anonymous:
                draft.answer_values, draft.answer_comments = values, comments
                draft.save(update_fields=["answer_values", "answer_comments"])
                continue
            copies.append(unlinked_copy(apps, draft, values, comments))
            for dimension, name in (
                (ORGANISATION, draft.invitation.organisation),
                (LEVEL, LEVEL_LABELS.get(draft.invitation.level, draft.invitation.level)),
            ):
                tallies[(dimension, name)] = scoring.add_to_group(
                    tallies.get((dimension, name)), name, draft.principle_scores
                )
        for invitation_id, day in submitted_on.items():
            invitation.objects.filter(pk=invitation_id).update(submitted_on=day)
        if not round_.anonymous:
            continue
        response.objects.filter(pk__in=[d.pk for d in drafts]).delete()
        _tallies_merge(apps, round_.pk, tallies)
        reinsert_shuffled(apps, round_.pk, copies)
        if round_.state == "closed" and finalise:
            tallies_finalise(apps, round_.pk, min_group_size)
        unlinked += len(copies)
    return unlinked


def _tallies_merge(apps: Any, round_id: int, tallies: dict[tuple[str, str], scoring.GroupSums]) -> None:
    tally = apps.get_model("assessments", "GroupTally")
    if tally.objects.filter(round_id=round_id, final=True).exists():
        raise ValueError("The breakdown of this round is final: nothing can be added to it.")
    for (dimension, name), group in tallies.items():
        row = tally.objects.filter(round_id=round_id, dimension=dimension, name=name).first()
        n, sums, total = group.n, list(group.principle_sums or ()), group.total_sum or 0
        if row is not None:
            n += row.respondents
            sums = [a + b for a, b in zip(sums, row.principle_sums, strict=True)]
            total += row.total_sum
        tally.objects.update_or_create(
            round_id=round_id,
            dimension=dimension,
            name=name,
            defaults={"respondents": n, "principle_sums": sums, "total_sum": total},
        )


def final_tallies(apps: Any, round_id: int, members: Iterable[tuple[str, str, Sequence[int]]], min_group_size: int):
    """Return unsaved final tallies of a closed round from (organisation, level, principle scores) of its respondents.

    For writing a closed anonymous round in bulk (the benchmark data) without ever linking its responses."""
    tally = apps.get_model("assessments", "GroupTally")
    members = list(members)
    rows = []
    for dimension, index in ((ORGANISATION, 0), (LEVEL, 1)):
        sums = scoring.group_sums((LEVEL_LABELS.get(m[1], m[1]) if index else m[0], m[2]) for m in members)
        for group in scoring.breakdown_from_sums(sums.values(), min_group_size):
            rows.append(
                tally(
                    round_id=round_id,
                    dimension=dimension,
                    name=group.name or scoring.OTHER_GROUP,
                    respondents=group.n,
                    principle_sums=list(group.principle_sums) if group.principle_sums is not None else None,
                    total_sum=group.total_sum,
                    withheld=group.withheld,
                    final=True,
                )
            )
    return rows
