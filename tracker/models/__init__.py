from .accounts import DietType, PregnancyStatus, Profile, ReferenceStandard, User
from .system import ServiceHeartbeat

__all__ = [
    "DietType",
    "PregnancyStatus",
    "Profile",
    "ReferenceStandard",
    "ServiceHeartbeat",
    "User",
]
