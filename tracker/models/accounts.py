import uuid
from datetime import date, datetime
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.domain.channels import CHANNELS, DEFAULT_CHANNELS
from tracker.domain.risk_factors import unknown_risk_factors
from tracker.domain.timezones import is_valid_timezone

from .base import TimestampedModel


def normalize_email_address(email: str) -> str:
    # The whole address is lower-cased (not just the domain, as Django does): people type their
    # address in whatever case their phone chose, and one person must never get two accounts.
    return email.strip().lower()


def validate_timezone(value: str) -> None:
    if not is_valid_timezone(value):
        raise ValidationError(
            _("%(value)s is not a known IANA time zone (for example Europe/London)."),
            params={"value": value},
            code="invalid_timezone",
        )


def validate_risk_factors(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Expected a list of risk factor codes."), code="invalid")
    unknown = unknown_risk_factors(value)
    if unknown:
        raise ValidationError(
            _("Unknown risk factor codes: %(codes)s."),
            params={"codes": ", ".join(unknown)},
            code="invalid_choice",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each risk factor may be listed once."), code="duplicate")


def validate_channels(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Expected a list of channel names."), code="invalid")
    unknown = [code for code in value if code not in CHANNELS]
    if unknown:
        raise ValidationError(
            _("Unknown channels: %(codes)s. Choose from %(known)s."),
            params={"codes": ", ".join(unknown), "known": ", ".join(CHANNELS)},
            code="invalid_choice",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each channel may be listed once."), code="duplicate")


def default_channels() -> list[str]:
    return list(DEFAULT_CHANNELS)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email=normalize_email_address(username or ""))

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        profile_fields = extra.pop("profile", None) or {}
        user = self.model(email=normalize_email_address(email), **extra)
        user.set_password(password)
        # Every user has a profile; both rows or neither.
        with transaction.atomic(using=self._db):
            user.save(using=self._db)
            Profile.objects.using(self._db).create(user=user, **profile_fields)  # type: ignore[arg-type]
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = normalize_email_address(self.email)


class DietType(models.TextChoices):
    OMNIVORE = "omnivore", _("Omnivore")
    PESCATARIAN = "pescatarian", _("Pescatarian")
    VEGETARIAN = "vegetarian", _("Vegetarian")
    VEGAN = "vegan", _("Vegan")
    OTHER = "other", _("Other")


class PregnancyStatus(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", _("Not pregnant or breastfeeding")
    PREGNANT = "pregnant", _("Pregnant")
    LACTATING = "lactating", _("Breastfeeding")


class ReferenceStandard(models.TextChoices):
    US = "US", _("United States (IOM / NIH)")
    EU = "EU", _("European Union (EFSA)")
    UK = "UK", _("United Kingdom (COMA / NHS)")


class Profile(TimestampedModel):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    # Blank means "not stated": the person has not told us, and we do not guess.
    diet_type = models.CharField(max_length=16, choices=DietType.choices, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    pregnancy_status = models.CharField(
        max_length=16, choices=PregnancyStatus.choices, default=PregnancyStatus.NOT_APPLICABLE
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    # When set, reminders stay on home time while the phone reports another zone (travel).
    home_timezone = models.CharField(max_length=64, blank=True, validators=[validate_timezone])
    reference_standard = models.CharField(
        max_length=2, choices=ReferenceStandard.choices, default=ReferenceStandard.US
    )
    risk_factors = models.JSONField(default=list, blank=True, validators=[validate_risk_factors])
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)
    notification_channels = models.JSONField(
        default=default_channels, blank=True, validators=[validate_channels]
    )
    # On by default: no health words on a lock screen unless the person turns this off.
    discreet_notifications = models.BooleanField(default=True)
    disclaimer_accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="profile_quiet_hours_both_or_neither",
                condition=(
                    Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                    | Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user_id}"

    @property
    def effective_timezone(self) -> str:
        """The zone reminders and "today" use: the pinned home zone wins over the device's."""
        return self.home_timezone or self.timezone

    def today(self, now: datetime) -> date:
        """The person's calendar date at this instant (DESIGN invariant 5)."""
        return now.astimezone(ZoneInfo(self.effective_timezone)).date()

    def accept_disclaimer(self, now: datetime) -> None:
        if self.disclaimer_accepted_at is None:
            self.disclaimer_accepted_at = now
