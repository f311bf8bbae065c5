"""factory_boy factories for the register's models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import cast

import factory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, User
from django.utils import timezone

from partnerships.models import (
    ExitRecord,
    GatewayAnswer,
    GatewayReview,
    Membership,
    Organisation,
    OutsideBodyCheck,
    Partnership,
    Risk,
    RiskAction,
    Sector,
)
from partnerships.services import partnership_bring_to

PASSWORD = "a-long-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    """A user of the site (the one user factory of every app's tests): ``UserFactory(roles=[FACILITATOR])``
    puts the user in those role groups; every user's password is ``PASSWORD``."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@council.example")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Sequence[str] | None, **kwargs: object) -> None:
        if not create:
            return
        user = cast(User, self)  # factory_boy calls this on the user it made
        for name in extracted or ():
            group, _ = Group.objects.get_or_create(name=name)
            user.groups.add(group)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Partner Organisation {n}")
    sector = Sector.PUBLIC


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n:04d}")
    reference = factory.Sequence(lambda n: f"P-TEST-{n:04d}")
    purpose = "Work together for residents."
    lead_officer = "Alex Lead"
    service_area = "Community safety"
    continuum = "info_sharing"
    structure_model = "informal"
    statutory_status = "non_statutory"
    lifecycle_stage = "forming"
    status = "proposed"
    risk = "medium"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Created proposed, then moved through its transitions: an active one gets its approved gateway, a closed
        # one its completed exit record (partnerships.services.partnership_bring_to).
        status = kwargs.pop("status")
        return partnership_bring_to(model_class.objects.create(*args, **kwargs), status)

    class Params:
        active = factory.Trait(
            status="active",
            start_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400)),
            review_due_date=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=200)),
        )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Member"


class GatewayReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GatewayReview

    partnership = factory.SubFactory(PartnershipFactory)


class GatewayAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GatewayAnswer

    review = factory.SubFactory(GatewayReviewFactory)
    question = "rationale"
    answer = "yes"
    evidence = "Cabinet report"


class OutsideBodyCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutsideBodyCheck

    partnership = factory.SubFactory(PartnershipFactory, is_outside_body=True)


class ExitRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExitRecord

    partnership = factory.SubFactory(PartnershipFactory)
    reason = "Objectives met."


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Risk {n}")
    category = "delivery"
    likelihood = 3
    impact = 3
    owner = "Alex Lead"
    review_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))


class RiskActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskAction

    risk = factory.SubFactory(RiskFactory)
    description = "Agree a joint plan"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


def round_models():
    """The assessments app's Round and Invitation models, or None while that app has no such models."""
    try:
        round_model = apps.get_model("assessments", "Round")
        return round_model, round_model._meta.get_field("invitations").related_model
    except LookupError:
        return None


def make_round(partnership, facilitator, respondent=None):
    round_model, invitation_model = round_models()
    instrument_model = round_model._meta.get_field("instrument").related_model
    health_check = round_model.objects.create(
        partnership=partnership,
        instrument=instrument_model.objects.first(),
        title="Annual health check",
        facilitator=facilitator,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=14),
    )
    if respondent is not None:
        invitation_model.objects.create(
            round=health_check,
            name="Sam Patel",
            email=f"{respondent.username}@example.org",
            organisation="Demo Police",
            level="board",
            user=respondent,
            token_salt="salt",
            token_hash=f"hash-{health_check.pk}-{respondent.pk}",
        )
    return health_check
