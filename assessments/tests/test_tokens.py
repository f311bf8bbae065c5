"""Personal links: unguessable, stored only as a hash, worked out again from the salt."""

from __future__ import annotations

import base64
import hashlib

import pytest

from assessments import selectors, services, tokens
from assessments.models import Invitation
from assessments.tests.factories import InvitationFactory


def test_token_carries_at_least_128_bits_and_is_url_safe():
    token = tokens.token_for_salt(tokens.new_salt())
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 >= 128
    assert len(raw) == 32
    assert all(c.isalnum() or c in "-_" for c in token)


def test_different_salts_give_different_tokens_and_the_same_salt_the_same_token():
    a, b = tokens.new_salt(), tokens.new_salt()
    assert a != b and len(a) == 32
    assert tokens.token_for_salt(a) != tokens.token_for_salt(b)
    assert tokens.token_for_salt(a) == tokens.token_for_salt(a)


def test_token_depends_on_the_secret_key(settings):
    salt = tokens.new_salt()
    before = tokens.token_for_salt(salt)
    settings.SECRET_KEY = "another-secret-key-" + "y" * 40
    assert tokens.token_for_salt(salt) != before


@pytest.mark.django_db
def test_database_holds_the_hash_not_the_token():
    invitation = InvitationFactory()
    token = invitation.token
    row = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert all(token not in str(value) for value in row.values())
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert tokens.token_for(invitation) == token


@pytest.mark.django_db
def test_lookup_by_token():
    invitation = InvitationFactory()
    assert selectors.invitation_for_token(invitation.token) == invitation
    assert selectors.invitation_for_token(invitation.token[:-1] + ("A" if invitation.token[-1] != "A" else "B")) is None
    assert selectors.invitation_for_token("") is None
    assert selectors.invitation_for_token(invitation.token_hash) is None
    assert selectors.invitation_for_token(invitation.token_salt) is None


@pytest.mark.django_db
def test_revoked_invitation_is_found_but_marked_and_refuses_answers():
    invitation = InvitationFactory()
    services.invitation_revoke(invitation)
    found = selectors.invitation_for_token(invitation.token)
    assert found.revoked_at is not None
    with pytest.raises(services.InvitationRevoked):
        services.response_save_significance(found, [3] * 6)
