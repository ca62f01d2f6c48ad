from .referrals import LinkWorkerProfile, Referral, ReferralEvent

__all__ = ["LinkWorkerProfile", "Referral", "ReferralEvent"]
