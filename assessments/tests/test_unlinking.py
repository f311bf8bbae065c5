"""Anonymity at rest (issue 14): with the whole database, or a pg_dump backup of it, nobody can tell who
answered what in an anonymous round.

The attacker knows everything a facilitator or an administrator knows: who was invited, who submitted and
in which order (they watched the progress page), what each person answered (here: the test chose it), and
has every row of every table, PostgreSQL's hidden columns (xmin, ctid) and the settings. They try every
join between a response and an invitation, every order (physical, by id, by writing transaction), every
timestamp, and every other row that mentions a response. What they may still learn is listed on the help
page (group totals while a round is open, what comments say): the people here are in groups of four, and the
round is closed, so its group totals are cut down to the shown groups.
"""

from __future__ import annotations

import datetime
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.utils import timezone

from assessments import services
from assessments.models import Response, Round, RoundState
from assessments.tests.factories import InvitationFactory, RoundFactory, answer_sheets
from config.backup import connection_env, pg_bin

PEOPLE = 8

Table = tuple[list[str], list[dict[str, str | None]]]  # columns, rows (in physical or dump order), all as text


@dataclass(frozen=True)
class Person:
    invitation_id: int
    email: str
    answers: list[int]
    comment: str


def _answers_of(k: int) -> list[int]:
    # Eight different patterns, so that a response row tells whose answers it holds.
    return [1 + ((k + i * (k + 1)) % 4) for i in range(36)]


def _submit(person_invitation, answers: list[int], comment: str) -> tuple[datetime.datetime, datetime.datetime]:
    answer_sheets(person_invitation, answers, [comment] + [""] * 35)
    services.response_save_significance(person_invitation, [3] * 6)
    services.response_save_success(person_invitation, 3, "")
    start = timezone.now()
    services.response_submit(person_invitation)
    return start, timezone.now()


def read_database() -> dict[str, Table]:
    """Every row of every table as text, in physical order, with PostgreSQL's xmin and ctid."""
    tables: dict[str, Table] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            select = ", ".join(f'"{c}"::text' for c in columns)
            cursor.execute(f'SELECT xmin::text, ctid::text, {select} FROM "{table}" ORDER BY ctid')  # noqa: S608
            names = ["xmin", "ctid", *columns]
            tables[table] = (names, [dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    return tables


def read_dump(text: str) -> dict[str, Table]:
    """Every COPY block of a plain pg_dump as rows of text, in the dump's order."""
    tables: dict[str, Table] = {}
    lines = iter(text.splitlines())
    for line in lines:
        match = re.match(r"COPY public\.(\w+) \((.*)\) FROM stdin;", line)
        if not match:
            continue
        columns = [c.strip().strip('"') for c in match.group(2).split(",")]
        rows = []
        for data in lines:
            if data == "\\.":
                break
            values = [None if v == "\\N" else v for v in data.split("\t")]
            rows.append(dict(zip(columns, values, strict=True)))
        tables[match.group(1)] = (columns, rows)
    return tables


_TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d(?::?\d\d)?)?")


def _timestamps(value: str) -> Iterable[datetime.datetime]:
    for match in _TIMESTAMP.finditer(value):
        offset = match.group(2) or "+00"
        if len(offset) == 3:
            offset += ":00"
        yield datetime.datetime.fromisoformat(match.group(1).replace(" ", "T") + offset)


def who_answered_what(tables: dict[str, Table], round_id: int, people: list[Person], windows: list[tuple]) -> list[str]:
    """Try every way we know to link a response of the round to a person; return what worked (nothing)."""
    responses = [
        r for r in tables["assessments_response"][1] if r["round_id"] == str(round_id) and r["status"] == "submitted"
    ]
    invitations = [
        r for r in tables["assessments_invitation"][1] if r["round_id"] == str(round_id) and r["submitted_on"]
    ]
    assert len(responses) == len(people) == len(invitations), "every person submitted once"
    found: list[str] = []
    # 1. A key: the response's invitation; and ids drawn from the sequence that numbers drafts as people start.
    if any(r["invitation_id"] is not None for r in responses):
        found.append("a submitted response still names its invitation")
    if any(int(r["id"] or 0) < 2**40 for r in responses):
        found.append("a submitted response has an id from the sequence")
    found += _joins(tables, responses, invitations)
    found += _mentions(tables, responses)
    found += _orders(responses, people)
    found += _times(tables, windows)
    return found


def _joins(tables: dict[str, Table], responses: list[dict], invitations: list[dict]) -> list[str]:
    """Any join of a response column to an invitation column (xmin too) that picks out different people."""
    found = []
    for rcol in tables["assessments_response"][0]:
        for icol in tables["assessments_invitation"][0]:
            matches = {
                frozenset(i["id"] for i in invitations if r[rcol] is not None and r[rcol] == i[icol]) for r in responses
            }
            if len(matches) > 1:
                found.append(f"joining response.{rcol} to invitation.{icol} tells responses apart")
    return found


def _mentions(tables: dict[str, Table], responses: list[dict]) -> list[str]:
    """Any other row that mentions a submitted response (answer rows, reopenings, caches, history...)."""
    ids = {r["id"] for r in responses}
    return [
        f"a row of {table} mentions a submitted anonymous response"
        for table, (_, rows) in tables.items()
        if table != "assessments_response"
        for row in rows
        if ids & {v for v in row.values() if v}
    ]


def _orders(responses: list[dict], people: list[Person]) -> list[str]:
    """The physical order (or the dump's), by id and by writing transaction, against the order of submission."""

    def owner(row: dict) -> int:
        values = [int(v) for v in row["answer_values"].strip("{}").split(",")]
        return next(p.invitation_id for p in people if p.answers == values)

    found = []
    submitted_order = [p.invitation_id for p in people]
    orders = {"physical": responses, "id": sorted(responses, key=lambda r: int(r["id"] or 0))}
    if "xmin" in responses[0]:
        orders["xmin"] = sorted(responses, key=lambda r: int(r["xmin"] or 0))
        if len({r["xmin"] for r in responses}) > 1:
            found.append("the responses were written by different transactions")
    for name, rows in orders.items():
        if [owner(r) for r in rows] in (submitted_order, submitted_order[::-1]):
            found.append(f"the order by {name} is the order of submission")
    return found


def _times(tables: dict[str, Table], windows: list[tuple]) -> list[str]:
    """Any value anywhere that is a time during a submission."""
    return [
        f"{table} holds a time of a submission"
        for table, (_, rows) in tables.items()
        for row in rows
        for value in row.values()
        for moment in _timestamps(value or "")
        if any(start <= moment <= end for start, end in windows)
    ]


@pytest.mark.django_db(transaction=True)
def test_with_the_whole_database_or_a_backup_nobody_can_tell_who_answered_what(tmp_path):
    round_ = RoundFactory(anonymous=True, title="Attacked round")
    invitations = [
        InvitationFactory(
            round=round_, organisation=("Council", "Police")[k % 2], level=("board", "management")[k // 4]
        )
        for k in range(PEOPLE)
    ]
    late = InvitationFactory(round=round_, organisation="Council", level="board")  # saves but never submits
    people, windows, newest_last = [], [], []
    with connection.cursor() as cursor:
        for k, invitation in enumerate(invitations):
            cursor.execute("SELECT last_value FROM assessments_response_id_seq")
            answers = _answers_of(k)
            comment = f"Frank comment number {k}"
            answer_sheets(late, [2] * 36)  # a draft saved between submissions
            cursor.execute("SELECT last_value FROM assessments_response_id_seq")
            sequence_before = cursor.fetchone()[0]
            windows.append(_submit(invitation, answers, comment))
            cursor.execute("SELECT last_value FROM assessments_response_id_seq")
            # Only the draft drew from the sequence (when this person started), not the submission.
            assert cursor.fetchone()[0] == sequence_before + 1
            people.append(Person(invitation.pk, invitation.email, answers, comment))
            if k:
                cursor.execute(
                    "SELECT answer_values FROM assessments_response WHERE round_id = %s AND invitation_id IS NULL "
                    "ORDER BY ctid",
                    [round_.pk],
                )
                physical = [row[0] for row in cursor.fetchall()]
                newest_last.append(physical[-1] == answers)
    # Were rows appended as people submitted, the newest would always be last: 1 chance in 8! that a random
    # place puts it there every time.
    assert not all(newest_last)
    services.round_close(Round.objects.get(pk=round_.pk))
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED
    assert Response.objects.filter(round=round_, invitation__isnull=True).count() == PEOPLE

    assert who_answered_what(read_database(), round_.pk, people, windows) == []

    dump = tmp_path / "backup.sql"
    subprocess.run(  # noqa: S603 (our own command line)
        [pg_bin("pg_dump"), "--format=plain", "--no-owner", "--no-privileges", f"--file={dump}"],
        env=connection_env(),
        check=True,
        capture_output=True,
    )
    backup = read_dump(dump.read_text())
    assert who_answered_what(backup, round_.pk, people, windows) == []
    # And the backup holds the answers (so the attack looked at the right rows), but never beside a person.
    rows = backup["assessments_response"][1]
    for person in people:
        (row,) = [r for r in rows if person.comment in (r["answer_comments"] or "")]
        assert row["invitation_id"] is None and person.email not in "\t".join(v or "" for v in row.values())


def test_the_attack_finds_the_link_when_it_is_there():
    """The attacker is not toothless: on a round stored the old way (linked), it finds the link at once."""
    people = [Person(1, "a@x", [1] * 36, "a"), Person(2, "b@x", [2] * 36, "b")]
    response = ["id", "round_id", "status", "invitation_id", "answer_values", "updated_at"]
    invitation = ["id", "round_id", "email", "submitted_on"]
    tables: dict[str, Table] = {
        "assessments_response": (
            response,
            [
                {
                    "id": "7",
                    "round_id": "1",
                    "status": "submitted",
                    "invitation_id": "1",
                    "answer_values": "{" + ",".join(["1"] * 36) + "}",
                    "updated_at": "2026-01-01 10:00:00.5+00",
                },
                {
                    "id": "8",
                    "round_id": "1",
                    "status": "submitted",
                    "invitation_id": "2",
                    "answer_values": "{" + ",".join(["2"] * 36) + "}",
                    "updated_at": "2026-01-01 11:00:00+00",
                },
            ],
        ),
        "assessments_invitation": (
            invitation,
            [
                {"id": "1", "round_id": "1", "email": "a@x", "submitted_on": "2026-01-01"},
                {"id": "2", "round_id": "1", "email": "b@x", "submitted_on": "2026-01-01"},
            ],
        ),
        "assessments_answer": (["id", "response_id"], [{"id": "1", "response_id": "7"}]),
    }
    windows = [
        (
            datetime.datetime(2026, 1, 1, 9, 59, tzinfo=datetime.UTC),
            datetime.datetime(2026, 1, 1, 10, 1, tzinfo=datetime.UTC),
        )
    ]
    found = who_answered_what(tables, 1, people, windows)
    assert "a submitted response still names its invitation" in found
    assert "joining response.invitation_id to invitation.id tells responses apart" in found
    assert "a row of assessments_answer mentions a submitted anonymous response" in found
    assert "the order by id is the order of submission" in found
    assert "assessments_response holds a time of a submission" in found
    assert "a submitted response has an id from the sequence" in found


# --- The unlinking statements of a submit (issue 15, point 7: bounded cost, same guarantee) ----------------


def _unlinked_rows(round_id: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text, id, answer_values, answer_comments, principle_scores, total, significance, success"
            " FROM assessments_response WHERE round_id = %s AND invitation_id IS NULL ORDER BY ctid",
            [round_id],
        )
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_each_submit_rewrites_the_whole_round_in_one_statement_and_loses_nothing():
    """The attacker's view after every single submit, not only at the end: every unlinked row of the round was
    written by the latest submitting transaction (so xmin names no one), the rows hold exactly the answers
    given, and rows of another round are not touched."""
    round_ = RoundFactory(anonymous=True)
    other = RoundFactory(anonymous=True)
    bystander = InvitationFactory(round=other)
    _submit(bystander, _answers_of(7), "elsewhere")
    (before,) = _unlinked_rows(other.pk)
    given = []
    for k in range(5):
        invitation = InvitationFactory(round=round_, organisation="Council", level="board")
        _submit(invitation, _answers_of(k), f"comment {k}")
        given.append((_answers_of(k), f"comment {k}"))
        rows = _unlinked_rows(round_.pk)
        assert len({row[0] for row in rows}) == 1, "one writing transaction for the whole round"
        invitation.refresh_from_db()
        with connection.cursor() as cursor:
            cursor.execute("SELECT xmin::text FROM assessments_invitation WHERE id = %s", [invitation.pk])
            assert cursor.fetchone()[0] == rows[0][0], "the rows were rewritten by this submit's transaction"
        assert sorted((row[2], row[3][0]) for row in rows) == sorted(given)
        assert all(row[1] >= 2**40 for row in rows)
    assert _unlinked_rows(other.pk) == [before]


@pytest.mark.django_db
def test_the_shuffle_is_one_statement_whatever_the_rounds_size(django_assert_max_num_queries):
    from django.apps import apps

    from assessments import unlinking

    round_ = RoundFactory(anonymous=True)
    for k in range(30):
        _submit(InvitationFactory(round=round_), _answers_of(k % 8), f"c{k}")
    draft = Response(round_id=round_.pk, total=0, principle_scores=[0] * 6, answer_values=[1] * 36)
    copy = unlinking.unlinked_copy(apps, draft, [1] * 36, [""] * 36)
    with django_assert_max_num_queries(1):
        unlinking.reinsert_shuffled(apps, round_.pk, [copy])
    assert len(_unlinked_rows(round_.pk)) == 31
    # The physical order is a new random one each time: 30 rows coming back in the same order twice is
    # one chance in 31!.
    first = [row[1] for row in _unlinked_rows(round_.pk)]
    unlinking.reinsert_shuffled(apps, round_.pk)
    assert [row[1] for row in _unlinked_rows(round_.pk)] != first
    assert sorted(first) == sorted(row[1] for row in _unlinked_rows(round_.pk))


@pytest.mark.django_db
def test_a_submit_to_a_final_breakdown_adds_nothing():
    from django.apps import apps

    from assessments import unlinking
    from assessments.models import GroupTally

    round_ = RoundFactory(anonymous=True)
    unlinking.tallies_add(apps, round_.pk, "Council", "board", [10] * 6)
    unlinking.tallies_add(apps, round_.pk, "Council", "board", [12] * 6)
    council = GroupTally.objects.get(round=round_, dimension=unlinking.ORGANISATION, name="Council")
    assert (council.respondents, council.principle_sums, council.total_sum) == (2, [22] * 6, 132)
    GroupTally.objects.filter(round=round_).update(final=True)
    with pytest.raises(ValueError, match="final"):
        unlinking.tallies_add(apps, round_.pk, "Police", "board", [10] * 6)
