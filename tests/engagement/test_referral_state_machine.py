import itertools

import pytest

from engagement.actions import IllegalTransition, transition
from engagement.models import Referral, ReferralEvent

from .conftest import make_referral

Status = Referral.Status
LEGAL = {
    (Status.SENT, Status.OPENED),
    (Status.SENT, Status.DECLINED),
    (Status.OPENED, Status.ACCEPTED),
    (Status.OPENED, Status.DECLINED),
    (Status.ACCEPTED, Status.CONTACTED),
    (Status.ACCEPTED, Status.DECLINED),
    (Status.CONTACTED, Status.ATTENDED),
    (Status.CONTACTED, Status.DID_NOT_ATTEND),
    (Status.ATTENDED, Status.CLOSED),
    (Status.DID_NOT_ATTEND, Status.CLOSED),
}
ALL_PAIRS = list(itertools.product(Status.values, Status.values))


def test_the_model_allows_exactly_the_documented_transitions():
    allowed = {(a, b) for a, targets in Referral.TRANSITIONS.items() for b in targets}
    assert allowed == LEGAL


@pytest.mark.parametrize(("start", "end"), ALL_PAIRS)
def test_transition_enforces_the_state_machine(world, start, end):
    referral = make_referral(service=world["service"], referrer=world["worker_a"], status=start)
    reason = Referral.DeclineReason.NO_CAPACITY if end == Status.DECLINED else ""
    if (start, end) in LEGAL:
        transition(referral, end, by=world["member"], reason=reason)
        referral.refresh_from_db()
        assert referral.status == end
        event = referral.events.last()
        assert (event.from_status, event.to_status, event.by) == (start, end, world["member"])
    else:
        events_before = ReferralEvent.objects.count()
        with pytest.raises(IllegalTransition):
            transition(referral, end, by=world["member"], reason=reason)
        referral.refresh_from_db()
        assert referral.status == start
        assert ReferralEvent.objects.count() == events_before


def test_declining_needs_a_reason(world):
    referral = world["referral"]
    with pytest.raises(IllegalTransition, match="reason"):
        transition(referral, Status.DECLINED, by=world["member"])
    referral.refresh_from_db()
    assert referral.status == Status.SENT


def test_finishing_a_referral_records_when_and_why(world):
    referral = transition(
        world["referral"],
        Status.DECLINED,
        by=world["member"],
        reason=Referral.DeclineReason.NOT_ELIGIBLE,
    )
    assert referral.finished_at is not None
    assert referral.decline_reason == Referral.DeclineReason.NOT_ELIGIBLE
    assert referral.events.last().reason == Referral.DeclineReason.NOT_ELIGIBLE
