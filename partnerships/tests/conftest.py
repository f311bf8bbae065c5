"""Users of each role, signed-in clients, and helpers shared by the register's tests."""

from __future__ import annotations

import pytest
from django.test import Client

from config.roles import FACILITATOR, MANAGER, REGISTER_ADMIN, RESPONDENT
from partnerships.tests.factories import UserFactory


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", first_name="Priya", last_name="Shah", role=REGISTER_ADMIN)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", first_name="Helen", last_name="Marsh", role=MANAGER)


@pytest.fixture
def second_manager(db):
    return UserFactory(username="manager2", role=MANAGER)


@pytest.fixture
def facilitator(db):
    return UserFactory(username="facilitator", role=FACILITATOR)


@pytest.fixture
def respondent(db):
    return UserFactory(username="respondent", role=RESPONDENT)


@pytest.fixture
def nobody(db):
    """A signed-in user with no role."""
    return UserFactory(username="nobody")


@pytest.fixture
def as_user():
    """Return a client signed in as the given user."""

    def sign_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in
