from .alerts import AlertSubscription
from .feedback import ProblemReport, Suggestion
from .insight import SearchAggregate
from .referrals import LinkWorkerProfile, Referral, ReferralEvent
from .reviews import ReviewReminder
from .shortlists import SavedShortlist, SharedShortlist
from .submissions import SubmissionKey

__all__ = [
    "LinkWorkerProfile",
    "AlertSubscription",
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
