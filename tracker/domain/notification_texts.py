"""What a notification says. Discreet by default (DESIGN invariant 8): no supplement, medicine
or condition names on a lock screen or in an email subject unless the person turned discreet
notifications off. The texts remind; they never tell anyone what to take."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

DISCREET_TITLE = "Time for your reminder"
DISCREET_BODY = "Open B12 Tracker to see it."


@dataclass(frozen=True)
class Texts:
    title: str
    body: str


def reminder_texts(*, kind: str, discreet: bool, name: str = "", heads_up_days: int = 0) -> Texts:
    """``name``: the supplement or injection product as the person entered it."""
    if discreet:
        return Texts(_(DISCREET_TITLE), _(DISCREET_BODY))
    if kind == "supplement":
        return Texts(_("Time for %(name)s") % {"name": name}, _("Tap to record it as taken."))
    if kind == "injection":
        if heads_up_days:
            return Texts(
                _("Injection coming up: %(name)s") % {"name": name},
                _("Your plan has it due in %(days)d days.") % {"days": heads_up_days},
            )
        return Texts(
            _("Injection due: %(name)s") % {"name": name},
            _("Record it when it has been given."),
        )
    if kind == "diary":
        return Texts(_("Time for your symptom diary"), _("How have you been today?"))
    if kind == "lab":
        return Texts(_("Lab re-check"), _("Your planned blood test date is today."))
    raise ValueError(f"Unknown reminder kind: {kind!r}")


CAREGIVER_ALERTS = {
    "caregiver_missed_dose": ("Missed reminder", "%(who)s has not recorded a scheduled dose."),
    "caregiver_overdue_injection": (
        "Injection overdue",
        "%(who)s has an injection past its due date in their plan.",
    ),
    "caregiver_red_flag": (
        "Warning sign recorded",
        "%(who)s recorded a symptom that the app marks as a reason to seek medical advice.",
    ),
}


def caregiver_alert_texts(*, kind: str, discreet: bool, patient_email: str) -> Texts:
    if discreet:
        return Texts(_(DISCREET_TITLE), _("Someone you help has a reminder that needs attention."))
    title, body = CAREGIVER_ALERTS[kind]
    return Texts(_(title), _(body) % {"who": patient_email})
