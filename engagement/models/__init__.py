from .feedback import ProblemReport, Suggestion
from .insight import SearchAggregate
from .referrals import LinkWorkerProfile, Referral, ReferralEvent
from .shortlists import SavedShortlist, SharedShortlist

__all__ = [
    "LinkWorkerProfile",
    "ProblemReport",
    "Referral",
    "ReferralEvent",
    "SavedShortlist",
    "SearchAggregate",
    "SharedShortlist",
    "Suggestion",
]
