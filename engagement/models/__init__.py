from .alerts import AlertSubscription
from .feedback import ProblemReport, Suggestion
from .insight import SearchAggregate
from .outbox import OutgoingEmail
from .referrals import LinkWorkerProfile, Referral, ReferralEvent
from .reviews import ReviewReminder
from .shortlists import SavedShortlist, SharedShortlist
from .submissions import SubmissionKey

__all__ = [
    "AlertSubscription",
    "LinkWorkerProfile",
    "OutgoingEmail",
    "ProblemReport",
    "Referral",
    "ReferralEvent",
    "ReviewReminder",
    "SavedShortlist",
    "SearchAggregate",
    "SharedShortlist",
    "SubmissionKey",
    "Suggestion",
]
