from .referrals import LinkWorkerProfile, Referral, ReferralEvent
from .shortlists import SavedShortlist, SharedShortlist

__all__ = ["LinkWorkerProfile", "Referral", "ReferralEvent", "SavedShortlist", "SharedShortlist"]
