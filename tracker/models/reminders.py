"""Reminders, the notifications they produce and each notification's deliveries per channel.

DESIGN invariants 3–5: a reminder occurrence produces at most one Notification (a unique
constraint on (reminder, occurrence)); each channel delivers it at least once, with retries,
through one Delivery row per (notification, channel, round) — a round is the first send or a
re-send after a snooze. Instants are UTC; the rule is read in the person's time zone.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import OwnedModel, TimestampedModel
from .injections import InjectionPlan
from .supplements import Supplement, SupplementDose


class ReminderKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Supplement dose")
    INJECTION = "injection", _("Injection")
    DIARY = "diary", _("Symptom diary")
    LAB = "lab", _("Lab re-check")


class Reminder(OwnedModel):
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    # RESTRICT: a regimen with reminders is soft-deleted, never removed under them; erasing the
    # account removes both.
    supplement = models.ForeignKey(
        Supplement, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    injection_plan = models.ForeignKey(
        InjectionPlan, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    # Local wall-clock times "HH:MM", sorted and distinct (tracker.domain.reminders).
    times = models.JSONField(default=list)
    # ISO weekdays 1–7 (Monday 1); empty means every day.
    weekdays = models.JSONField(default=list, blank=True)
    every_n_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # First local date of the rule (the anchor of every_n_days); the lab re-check's date.
    start_date = models.DateField(null=True, blank=True)
    # Injection reminders: a heads-up this many days before the due date (0: none), then on the
    # day, then every overdue_repeat_days while overdue.
    heads_up_days = models.PositiveSmallIntegerField(default=0)
    overdue_repeat_days = models.PositiveSmallIntegerField(default=1)
    channels = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    # The next occurrence of the rule (its nominal instant: the idempotency key of the
    # notification it makes) and when it will actually fire (later when snoozed or deferred by
    # quiet hours). Both UTC; None when the rule has nothing more to fire.
    next_occurrence_at = models.DateTimeField(null=True, blank=True)
    next_fire_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    last_fired_at = models.DateTimeField(null=True, blank=True)

    occurred_field = "created_at"

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="reminder_supplement_target",
                condition=~Q(kind="supplement") | Q(supplement__isnull=False),
            ),
            models.CheckConstraint(
                name="reminder_injection_target",
                condition=~Q(kind="injection") | Q(injection_plan__isnull=False),
            ),
            models.CheckConstraint(
                name="reminder_lab_date", condition=~Q(kind="lab") | Q(start_date__isnull=False)
            ),
            models.CheckConstraint(
                name="reminder_every_n_days_positive",
                condition=Q(every_n_days__isnull=True) | Q(every_n_days__gte=1),
            ),
            models.CheckConstraint(
                name="reminder_overdue_repeat_positive", condition=Q(overdue_repeat_days__gte=1)
            ),
        ]
        indexes = [
            # The dispatcher's claim: due, live reminders by fire time (a partial index keeps
            # it to the rows that can fire).
            models.Index(
                fields=["next_fire_at"],
                name="reminder_due_idx",
                condition=Q(active=True, deleted_at__isnull=True, next_fire_at__isnull=False),
            ),
            models.Index(fields=["owner", "created_at"], name="reminder_owner_time_idx"),
            models.Index(fields=["owner", "updated_at"], name="reminder_owner_updated_idx"),
        ]


class NotificationAction(models.TextChoices):
    TAKEN = "taken", _("Taken")
    SKIPPED = "skipped", _("Skipped")
    SNOOZED = "snoozed", _("Snoozed")


class Notification(OwnedModel):
    """One occurrence of a reminder (or a caregiver alert), as the person's inbox shows it."""

    # SET_NULL would lose which reminder made it; RESTRICT keeps history whole (reminders are
    # soft-deleted) while account erasure still cascades through the owner.
    reminder = models.ForeignKey(
        Reminder, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=32)
    # The rule's nominal instant this notification is for (with the reminder, the unique key).
    occurrence = models.DateTimeField()
    # The texts as shown: discreet unless the person opted out (no health words by default).
    title = models.CharField(max_length=120)
    body = models.CharField(max_length=500, blank=True)
    channels = models.JSONField(default=list)
    read_at = models.DateTimeField(null=True, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    action = models.CharField(max_length=8, choices=NotificationAction.choices, blank=True)
    # Set by "snooze": the dispatcher re-sends this notification then (one more round).
    refire_at = models.DateTimeField(null=True, blank=True)
    rounds = models.PositiveSmallIntegerField(default=1)
    # The dose an action logged (or the auto-missed one), linked both ways for the history.
    dose = models.ForeignKey(
        SupplementDose, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    # Caregiver alerts: whose missed dose this is about, and which dose (one alert per
    # caregiver and dose).
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    about_dose = models.ForeignKey(
        SupplementDose, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # What a caregiver alert is about, as a stable key ("dose:<id>", "red-flag:<alert id>",
    # "injection:<plan id>:<due date>"): one alert per caregiver and event, never two.
    alert_key = models.CharField(max_length=96, blank=True)

    occurred_field = "occurrence"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "occurrence"],
                condition=Q(reminder__isnull=False),
                name="notification_one_per_occurrence",
            ),
            models.UniqueConstraint(
                fields=["owner", "about_dose"],
                condition=Q(about_dose__isnull=False),
                name="notification_one_alert_per_dose",
            ),
            models.UniqueConstraint(
                fields=["owner", "alert_key"],
                condition=~Q(alert_key=""),
                name="notification_one_alert_per_event",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "occurrence"], name="notification_owner_time_idx"),
            models.Index(fields=["owner", "updated_at"], name="notification_owner_updated_idx"),
            # Snoozed notifications waiting to be re-sent.
            models.Index(
                fields=["refire_at"],
                name="notification_refire_idx",
                condition=Q(refire_at__isnull=False),
            ),
        ]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Gave up")
    SKIPPED = "skipped", _("Not sent")  # no device, daily cap reached, channel turned off


class Delivery(TimestampedModel):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=12)
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # When a task for it was last put on the queue: the sweeper enqueues again what has
    # waited too long since (a lost message, a Redis restart).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # When a worker claimed it (status "sending"): the sweeper frees claims a dead worker left.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The latest error; every attempt is in `log` (time, outcome, error) — no health words.
    last_error = models.CharField(max_length=500, blank=True)
    log = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel", "round"], name="delivery_one_per_channel_round"
            ),
        ]
        indexes = [
            # The sweeper: deliveries still waiting, by when they may be tried.
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_waiting_idx",
                condition=Q(status__in=["pending", "sending"]),
            ),
        ]


class CareLinkStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class CareLink(TimestampedModel):
    """A patient's consent for a caregiver: invited by email (a one-time token, stored hashed),
    accepted by the caregiver's account, revocable by the patient at any time. Only an active,
    unexpired link with the right permission lets the caregiver see or hear anything."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Empty until the invitation is accepted (the caregiver may not have an account yet).
    caregiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invited_email = models.EmailField(blank=True)
    status = models.CharField(
        max_length=8, choices=CareLinkStatus.choices, default=CareLinkStatus.INVITED
    )
    permissions = models.JSONField(default=list)  # view_summary, missed_dose_alerts
    # SHA-256 of the invitation token (the token itself is only ever in the email); cleared
    # once used, so it works once.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    invitation_expires_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The patient may give the link an end date; past it the link grants nothing.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "caregiver"],
                condition=Q(caregiver__isnull=False),
                name="carelink_one_per_pair",
            ),
            models.CheckConstraint(
                name="carelink_not_self", condition=~Q(patient=models.F("caregiver"))
            ),
            models.CheckConstraint(
                name="carelink_active_has_caregiver",
                condition=~Q(status="active") | Q(caregiver__isnull=False),
            ),
        ]
        indexes = [
            # What a caregiver may see: their active links, on every caregiver request.
            models.Index(fields=["caregiver", "status"], name="carelink_caregiver_idx"),
            models.Index(fields=["patient", "status"], name="carelink_patient_idx"),
        ]


class AccessChannel(models.TextChoices):
    CAREGIVER_ADMIN = "caregiver_admin", _("Caregiver site")
    API = "api", _("App (API)")
    STAFF_ADMIN = "staff_admin", _("Staff admin")
    EXPORT = "export", _("Export")


class AccessLog(models.Model):
    """Who read whose health data, what and when (DESIGN invariant 8). Append-only: written by
    tracker.services.audit, never edited or deleted through the admin or the API. It names the
    page or resource read, never a health value."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # SET_NULL: erasing the reader's account keeps the record that a read happened.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254)  # the reader's email when it happened
    # SET_NULL too: the record that someone's data was read outlives the account. Erasure
    # (tracker.services.erasure) clears either link and puts a pseudonym in the label.
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Blank while the patient's account exists (the link names them); "erased-<hash>" once it
    # is erased. Never an email address.
    patient_label = models.CharField(max_length=32, blank=True)
    what = models.CharField(max_length=80)  # e.g. "summary", "symptom entry", "export (fhir)"
    channel = models.CharField(max_length=16, choices=AccessChannel.choices)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            # "Who looked at my data", newest first.
            models.Index(fields=["patient", "-at"], name="accesslog_patient_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_label} read {self.what} ({self.channel}) at {self.at:%Y-%m-%d %H:%M}"
