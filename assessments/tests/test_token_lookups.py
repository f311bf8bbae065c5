"""The respondent's look-ups by token, compiled once per process (``config.prepared.PreparedGet``), return what
their QuerySets return: the same SQL, the same values, the same deferred fields, the same related objects."""

from __future__ import annotations

import django
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from assessments import selectors, services
from assessments.models import Invitation, Round
from assessments.tests.factories import InvitationFactory, RoundFactory, answer_sheets, submitted_response
from assessments.tokens import hash_token
from config.prepared import PreparedGet

pytestmark = pytest.mark.django_db

# Each look-up (compared with the QuerySet it compiles, ``build()``), the field it looks up and that field's value.
LOOKUPS = {
    "page": (selectors._PAGE_LOOKUP, "token_hash", lambda i: i.token_hash),
    "save": (selectors._SAVE_LOOKUP, "token_hash", lambda i: i.token_hash),
    "locking save": (selectors._LOCKING_SAVE_LOOKUP, "token_hash", lambda i: i.token_hash),
    "submit's invitation": (services._LOCK_INVITATION, "id", lambda i: i.pk),
    "submit's round": (services._LOCK_ROUND_TO_SUBMIT, "id", lambda i: i.round_id),
}


def _invitations_in_every_state():
    named, anonymous = RoundFactory(anonymous=False), RoundFactory(anonymous=True)
    untouched = InvitationFactory(round=named)
    started = InvitationFactory(round=named)
    answer_sheets(started, [3] * 30 + [None] * 6)
    services.response_save_significance(started, [2, 3, 4, 5, 1, 2])
    services.response_save_success(started, 3, "A comment")
    withdrawn = InvitationFactory(round=named)
    services.invitation_revoke(withdrawn)
    submitted_named = submitted_response(named, [4] * 36).invitation
    submitted_anonymously = InvitationFactory(round=anonymous)
    submitted_response(anonymous, [2] * 36, invitation=submitted_anonymously)  # unlinked: no response any more
    return [untouched, started, withdrawn, submitted_named, submitted_anonymously]


def _loaded(instance):
    """Every loaded column of ``instance`` and which fields are deferred."""
    if instance is None:
        return None
    deferred = instance.get_deferred_fields()
    values = {
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.attname not in deferred
    }
    state = {name: value for name, value in vars(instance._state).items() if name != "fields_cache"}
    return {"values": values, "deferred": deferred, "state": state, "cached": sorted(instance._state.fields_cache)}


def _graph(instance):
    """The instance and every related object read with it (None where a relation was read empty)."""
    related = {"instance": _loaded(instance)}
    relations = {Invitation: ("round", "response"), Round: ("partnership", "instrument", "facilitator")}
    for name in relations.get(type(instance), ()):
        field = instance._meta.get_field(name)
        if not field.is_cached(instance):
            related[name] = "not read"
            continue
        value = getattr(instance, name, None) if name != "response" else selectors.response_of(instance)
        related[name] = _graph(value) if value is not None else None
    return related


@pytest.mark.parametrize("name", list(LOOKUPS))
def test_a_prepared_look_up_returns_what_its_queryset_returns_in_one_query_of_the_same_sql(name):
    prepared, field, key = LOOKUPS[name]
    build = prepared.build
    invitations = _invitations_in_every_state()
    with transaction.atomic():
        for invitation in invitations:
            with CaptureQueriesContext(connection) as expected_sql:
                expected = build().get(**{field: key(invitation)})
            with CaptureQueriesContext(connection) as sql:
                found = prepared.get(key(invitation))
            assert found is not None and found.pk == expected.pk
            assert _graph(found) == _graph(expected)
            assert len(sql) == 1, "the related objects come with it, as with select_related"
            assert sql[0]["sql"] == expected_sql[0]["sql"].replace(" LIMIT 21", ""), "not the ORM's SQL"
        assert prepared.get(hash_token("no such link") if field == "token_hash" else 0) is None


def test_the_look_ups_still_answer_by_token():
    """The selectors built on them: unknown, implausible and withdrawn links, the save's columns only."""
    invitation = InvitationFactory()
    assert selectors.invitation_for_token(invitation.token) == invitation
    assert selectors.invitation_for_token("x" * 101) is None
    with transaction.atomic():
        saved = selectors.invitation_to_save(invitation.token)
    assert saved == invitation and not selectors.read_for_page(saved)
    assert "name" in saved.get_deferred_fields() and "name" not in invitation.get_deferred_fields()
    assert selectors.read_for_page(selectors.for_page(saved, invitation.token))


def test_a_locking_look_up_outside_a_transaction_is_refused(transactional_db):
    invitation = InvitationFactory()
    with pytest.raises(TransactionManagementError):
        selectors._LOCKING_SAVE_LOOKUP.get(hash_token(invitation.token))
    with transaction.atomic():
        assert selectors._LOCKING_SAVE_LOOKUP.get(hash_token(invitation.token)) == invitation


def test_what_a_prepared_look_up_cannot_do_is_refused_when_it_compiles():
    invitation = InvitationFactory()
    token_hash = hash_token(invitation.token)
    with pytest.raises(ImproperlyConfigured, match="unique"):
        PreparedGet(lambda: Invitation.objects.all(), "name").get("Ann")
    # The instrument's file is a JSON column, which Django decodes after reading it.
    with pytest.raises(ImproperlyConfigured, match="convert"):
        PreparedGet(lambda: Invitation.objects.select_related("round__instrument"), "token_hash").get(token_hash)
    with pytest.raises(ImproperlyConfigured, match="prefetch_related"):
        PreparedGet(lambda: Invitation.objects.prefetch_related("round__invitations"), "token_hash").get(token_hash)
    with pytest.raises(ImproperlyConfigured, match="only parameter"):
        PreparedGet(lambda: Invitation.objects.filter(organisation="Police"), "token_hash").get(token_hash)


def test_a_value_is_sent_as_the_queryset_would_send_it():
    """Through the field: a bad id is Django's ValueError, and the transaction goes on; None is refused."""
    invitation = InvitationFactory()
    with transaction.atomic():
        with pytest.raises(ValueError, match="expected a number"):
            services._LOCK_INVITATION.get("abc")
        with pytest.raises(ValueError, match="not None"):
            services._LOCK_INVITATION.get(None)
        assert services._LOCK_INVITATION.get(str(invitation.pk)) == invitation


def test_querysets_it_would_not_build_as_django_does_are_refused():
    token_hash = hash_token("no such link")
    for build in (
        lambda: Invitation.objects.values(),
        lambda: Invitation.objects.distinct(),
        lambda: Invitation.objects.all()[:5],
    ):
        with pytest.raises((ImproperlyConfigured, TypeError)):  # Django itself refuses to filter a slice
            PreparedGet(build, "token_hash").get(token_hash)


def test_it_is_checked_against_the_django_it_mirrors():
    """PreparedGet builds instances as Django 5.2's ModelIterable does: a new Django must be checked against it
    (``config/prepared.py``) before this test is changed."""
    assert django.VERSION[:2] == (5, 2)
