from .accounts import DietType, PregnancyStatus, Profile, ReferenceStandard, User
from .content import Article
from .diary import SymptomEntry
from .foods import Food, FoodIntake, Meal
from .injections import Injection, InjectionPlan
from .labs import LabResult
from .reminders import (
    AccessChannel,
    AccessLog,
    CareLink,
    CareLinkStatus,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationAction,
    Reminder,
    ReminderKind,
)
from .safety import Alert
from .supplements import DoseStatus, Supplement, SupplementDose
from .system import ServiceHeartbeat

__all__ = [
    "AccessChannel",
    "AccessLog",
    "Alert",
    "Article",
    "CareLink",
    "CareLinkStatus",
    "Delivery",
    "DeliveryStatus",
    "DietType",
    "DoseStatus",
    "Food",
    "FoodIntake",
    "Injection",
    "InjectionPlan",
    "LabResult",
    "Meal",
    "Notification",
    "NotificationAction",
    "PregnancyStatus",
    "Profile",
    "Reminder",
    "ReminderKind",
    "ReferenceStandard",
    "ServiceHeartbeat",
    "Supplement",
    "SupplementDose",
    "SymptomEntry",
    "User",
]
