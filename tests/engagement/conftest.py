import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from engagement.models import Referral, ReferralEvent
from tests.factories import (
    MembershipFactory,
    ModeratorFactory,
    ServiceAtLocationFactory,
    ServiceFactory,
    UserFactory,
)


def make_link_worker(**kwargs):
    user = UserFactory(**{"is_staff": False, **kwargs})
    group, _ = Group.objects.get_or_create(name=settings.LINK_WORKERS_GROUP)
    user.groups.add(group)
    return user


def make_auditor():
    user = ModeratorFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_referral_personal_data"))
    return user


def make_referral(*, service, referrer, status=Referral.Status.SENT, **kwargs) -> Referral:
    first = service.service_locations.select_related("location").first()
    referral = Referral.objects.create(
        service=service,
        area=first.location.council_area if first else None,
        referrer=referrer,
        referrer_organisation="Renfrewshire HSCP",
        status=status,
        decline_reason="other" if status == Referral.Status.DECLINED else "",
        consent_given_at=timezone.now(),
        consent_wording="The person has agreed.",
        first_name="Morag",
        contact_method=Referral.ContactMethod.PHONE,
        contact_detail="07700 900123",
        best_times="Mornings",
        reason="Feeling isolated since moving to Paisley",
        accessibility_needs="Step-free access",
        do_not_contact_by=["letter"],
        **kwargs,
    )
    ReferralEvent.objects.create(
        referral=referral, to_status=Referral.Status.SENT, by=referrer, at=referral.created_at
    )
    return referral


PERSONAL_VALUES = ["Morag", "07700 900123", "Feeling isolated", "Step-free access"]


@pytest.fixture
def world(db):
    """Two organisations' services, two link workers and a referral from A to service 1."""
    service = ServiceFactory(
        accepts_referrals=True, referral_email="referrals@example.org", name="Paisley Peer Group"
    )
    ServiceAtLocationFactory(service=service)
    other_service = ServiceFactory(accepts_referrals=True, referral_email="other@example.org")
    member = MembershipFactory(organisation=service.organisation).user
    other_member = MembershipFactory(organisation=other_service.organisation).user
    worker_a = make_link_worker()
    worker_b = make_link_worker()
    referral = make_referral(service=service, referrer=worker_a)
    return {
        "service": service,
        "other_service": other_service,
        "member": member,
        "other_member": other_member,
        "worker_a": worker_a,
        "worker_b": worker_b,
        "referral": referral,
    }


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)
