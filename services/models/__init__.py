from .areas import Area
from .listings import Location, Service, ServiceAtLocation
from .organisations import Organisation, OrganisationMembership
from .postcodes import Postcode
from .rate_counters import RateCounter
from .schedules import WEEKDAY_SLUGS, CourseRun, Schedule, Weekday
from .search_state import SearchChange
from .tokens import OrganisationToken
from .vocabularies import (
    VOCABULARIES,
    AccessibilityFeature,
    AccessRoute,
    Audience,
    DeliveryMode,
    Language,
    LivedExperienceInvolvement,
    ServiceType,
    Vocabulary,
)

__all__ = [
    "VOCABULARIES",
    "WEEKDAY_SLUGS",
    "AccessRoute",
    "AccessibilityFeature",
    "Area",
    "Audience",
    "CourseRun",
    "DeliveryMode",
    "Language",
    "LivedExperienceInvolvement",
    "Location",
    "Organisation",
    "OrganisationMembership",
    "OrganisationToken",
    "Postcode",
    "RateCounter",
    "Schedule",
    "SearchChange",
    "Service",
    "ServiceAtLocation",
    "ServiceType",
    "Vocabulary",
    "Weekday",
]
