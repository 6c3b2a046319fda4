from datetime import date, timedelta

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tracker.api.fields import JsonTypesMixin
from tracker.domain.channels import CHANNELS
from tracker.domain.disclaimer import DISCLAIMER
from tracker.domain.risk_factors import RISK_FACTORS
from tracker.models import Profile, User
from tracker.models.accounts import normalize_email_address, validate_timezone
from tracker.services.accounts import EDITABLE_PROFILE_FIELDS

EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def _unique_items(value: list[str]) -> None:
    if len(set(value)) != len(value):
        raise serializers.ValidationError(_("Each item may be listed once."))


class RegisterSerializer(JsonTypesMixin, serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}
    )
    timezone = serializers.CharField(max_length=64, validators=[validate_timezone])
    disclaimer_accepted = serializers.BooleanField(
        default=False,
        help_text=_("True when the person has read and accepted the medical disclaimer."),
    )

    def validate_email(self, value: str) -> str:
        email = normalize_email_address(value)
        if User.objects.filter(email=email).exists():
            raise serializers.ValidationError(_("An account with this email already exists."))
        return email

    def validate(self, attrs: dict) -> dict:
        # Django's validators, with the email as the attribute a password must not resemble.
        try:
            validate_password(attrs["password"], user=User(email=attrs["email"]))
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from None
        return attrs


class MeSerializer(JsonTypesMixin, serializers.ModelSerializer):
    """The signed-in person's account and profile, as one flat object."""

    id = serializers.UUIDField(source="user.id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    date_joined = serializers.DateTimeField(source="user.date_joined", read_only=True)
    risk_factors = serializers.ListField(
        child=serializers.ChoiceField(choices=list(RISK_FACTORS.items())),
        required=False,
        max_length=len(RISK_FACTORS),
        validators=[_unique_items],
    )
    notification_channels = serializers.ListField(
        child=serializers.ChoiceField(choices=list(CHANNELS.items())),
        required=False,
        max_length=len(CHANNELS),
        validators=[_unique_items],
    )
    disclaimer_accepted = serializers.BooleanField(
        write_only=True,
        required=False,
        help_text=_("Send true to record that the medical disclaimer was accepted (now)."),
    )
    disclaimer_required = serializers.SerializerMethodField(
        help_text=_("True until the disclaimer is accepted; logging is refused until then.")
    )
    disclaimer = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = [
            "id",
            "email",
            "date_joined",
            *EDITABLE_PROFILE_FIELDS,
            "disclaimer_accepted_at",
            "disclaimer_accepted",
            "disclaimer_required",
            "disclaimer",
        ]
        read_only_fields = ["disclaimer_accepted_at"]

    def get_disclaimer_required(self, profile: Profile) -> bool:
        return profile.disclaimer_accepted_at is None

    def get_disclaimer(self, profile: Profile) -> str:
        return str(DISCLAIMER)

    def validate_birth_date(self, value: date | None) -> date | None:
        if value is None:
            return value
        # A day of grace: the person's calendar may be ahead of UTC.
        if value > timezone.localdate() + timedelta(days=1):
            raise serializers.ValidationError(_("The birth date cannot be in the future."))
        if value < EARLIEST_BIRTH_DATE:
            raise serializers.ValidationError(_("Enter a birth date after 1900."))
        return value

    def validate(self, attrs: dict) -> dict:
        start = attrs.get("quiet_hours_start", getattr(self.instance, "quiet_hours_start", None))
        end = attrs.get("quiet_hours_end", getattr(self.instance, "quiet_hours_end", None))
        if (start is None) != (end is None):
            missing = "quiet_hours_end" if end is None else "quiet_hours_start"
            raise serializers.ValidationError(
                {missing: [_("Set both the start and the end of quiet hours, or neither.")]}
            )
        if start is not None and start == end:
            raise serializers.ValidationError(
                {
                    "quiet_hours_end": [
                        _("Quiet hours must end at a different time than they start.")
                    ]
                }
            )
        return attrs


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RegisterResponseSerializer(MeSerializer):
    tokens = TokenPairSerializer(read_only=True)

    class Meta(MeSerializer.Meta):
        fields = [*MeSerializer.Meta.fields, "tokens"]


class AccountDeletionSerializer(JsonTypesMixin, serializers.Serializer):
    """DELETE me/ and the web page's confirmation: the current password, checked through the
    authentication backends (so wrong guesses count toward the django-axes lockout, as on the
    token endpoint). The password, not a "recent sign-in" check: a stolen access token is
    renewed by its refresh token without anyone signing in again, but it never carries the
    password. Needs ``request`` in the context (a DRF or a Django request)."""

    password = serializers.CharField(
        write_only=True,
        max_length=128,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text=_("Your current password, to confirm it is you."),
    )

    def validate_password(self, value: str) -> str:
        request = self.context["request"]
        user = request.user
        django_request = getattr(request, "_request", request)
        confirmed = authenticate(django_request, email=user.email, password=value)
        if confirmed is None or confirmed.pk != user.pk:
            raise serializers.ValidationError(
                _("That is not your current password."), code="wrong_password"
            )
        return value


class LogoutSerializer(JsonTypesMixin, serializers.Serializer):
    refresh = serializers.CharField()


class MetaSerializer(serializers.Serializer):
    api_version = serializers.CharField()
    minimum_app_version = serializers.CharField()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)
