from .accounts import DietType, PregnancyStatus, Profile, ReferenceStandard, User
from .content import Article
from .diary import SymptomEntry
from .foods import Food, FoodIntake, Meal
from .injections import Injection, InjectionPlan
from .labs import LabResult
from .safety import Alert
from .supplements import DoseStatus, Supplement, SupplementDose
from .system import ServiceHeartbeat

__all__ = [
    "Alert",
    "Article",
    "DietType",
    "DoseStatus",
    "Food",
    "FoodIntake",
    "Injection",
    "InjectionPlan",
    "LabResult",
    "Meal",
    "PregnancyStatus",
    "Profile",
    "ReferenceStandard",
    "ServiceHeartbeat",
    "Supplement",
    "SupplementDose",
    "SymptomEntry",
    "User",
]
