from .feedback import ProblemReport, Suggestion
from .referrals import LinkWorkerProfile, Referral, ReferralEvent
from .shortlists import SavedShortlist, SharedShortlist

__all__ = [
    "LinkWorkerProfile",
    "ProblemReport",
    "Referral",
    "ReferralEvent",
    "SavedShortlist",
    "SharedShortlist",
    "Suggestion",
]
