"""`care/invitations/` (invite, accept) and `care/links/` (list, end).

Who may end a link: the patient revokes it (`DELETE care/links/{id}/` or
`POST care/links/{id}/revoke/`); the caregiver may leave it (`DELETE` only — `revoke/` is the
patient's word and answers 403 to the caregiver). Either way the row stays, with status
`revoked` and `revoked_at`, as the record of the consent; nothing is removed. Anyone else gets
404 (DESIGN invariant 1).
"""

from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.api.fields import JsonTypesMixin
from tracker.api.throttles import CreateQuotaThrottle, InvitationQuotaThrottle
from tracker.models import CareLink, User
from tracker.queries.care import PERMISSIONS
from tracker.services import care


class CareLinkSerializer(serializers.ModelSerializer):
    patient = serializers.EmailField(source="patient.email", read_only=True)
    caregiver = serializers.EmailField(
        source="caregiver.email",
        read_only=True,
        allow_null=True,
        help_text="The caregiver's account email; null until the invitation is accepted.",
    )
    invited_email = serializers.EmailField(
        read_only=True,
        help_text="The address the invitation was sent to (the caregiver may have accepted "
        "with an account under another address).",
    )
    permissions = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What the caregiver may do: view_summary, missed_dose_alerts.",
    )
    role = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = CareLink
        fields = [
            "id",
            "patient",
            "caregiver",
            "invited_email",
            "role",
            "permissions",
            "status",
            "expires_at",
            "created_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = fields

    # Plain strings with the values in the description: an enum named "Status" would collide
    # with the other resources' status enums in the schema.
    @extend_schema_field(
        {"type": "string", "description": 'Your side of the link: "patient" or "caregiver".'}
    )
    def get_role(self, link: CareLink) -> str:
        return care.role_of(link, self.context["request"].user)

    @extend_schema_field(
        {
            "type": "string",
            "description": '"invited", "active", "revoked" or "expired" (a link past its '
            "expires_at, or an invitation past its deadline, reads as expired).",
        }
    )
    def get_status(self, link: CareLink) -> str:
        return care.current_status(link, now=self.context["now"])


class CareInvitationSerializer(JsonTypesMixin, serializers.Serializer):
    email = serializers.EmailField(help_text="Where the invitation is sent.")
    permissions = serializers.ListField(
        child=serializers.ChoiceField(choices=list(PERMISSIONS)),
        allow_empty=False,
        help_text="What the caregiver may do: view_summary (a read-only summary), "
        "missed_dose_alerts (an alert when a dose is missed).",
    )
    expires_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Optional end of the link (in the future); after it the link grants nothing.",
    )


class CareAcceptSerializer(JsonTypesMixin, serializers.Serializer):
    token = serializers.CharField(
        max_length=200, help_text="The token from the invitation email's link."
    )


def _context(request: Request) -> dict[str, Any]:
    return {"request": request, "now": timezone.now()}


class CareInvitationView(APIView):
    """Invite someone by email to become your caregiver. The token is sent only in the email
    (never in the response); inviting the same address again while its invitation is pending
    replaces the token, so the earlier email's link stops working. The invitation works once,
    for 7 days."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [InvitationQuotaThrottle]  # each one sends an email

    @extend_schema(request=CareInvitationSerializer, responses={201: CareLinkSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = CareInvitationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        context = _context(request)
        link, _token = care.invite_caregiver(
            patient=cast(User, request.user),
            email=body.validated_data["email"],
            permissions=body.validated_data["permissions"],
            expires_at=body.validated_data.get("expires_at"),
            now=context["now"],
        )
        link = CareLink.objects.select_related("patient", "caregiver").get(pk=link.pk)
        return Response(CareLinkSerializer(link, context=context).data, status=201)


class CareAcceptView(APIView):
    """Accept an invitation with your own account (its address need not be the one invited).
    Unknown, used and expired tokens all get the same 400 answer."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [CreateQuotaThrottle]  # also bounds attempts at guessing tokens

    @extend_schema(request=CareAcceptSerializer, responses={200: CareLinkSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = CareAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        context = _context(request)
        link = care.accept_invitation(
            token=body.validated_data["token"],
            caregiver=cast(User, request.user),
            now=context["now"],
        )
        link = CareLink.objects.select_related("patient", "caregiver").get(pk=link.pk)
        return Response(CareLinkSerializer(link, context=context).data)


class CareLinkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your caregiver links, both ways: the ones where you are the patient (including pending
    invitations) and the ones where you are the caregiver. `DELETE` ends a link: the patient
    revokes it, the caregiver leaves it. The row stays, as `revoked`."""

    serializer_class = CareLinkSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular inspecting the view
            return CareLink.objects.none()
        return care.links_of(self.request.user, now=self.now)

    @property
    def now(self) -> Any:
        if not hasattr(self, "_now"):
            self._now = timezone.now()
        return self._now

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "now": self.now}

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        care.revoke_link(link=self.get_object(), now=self.now)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: CareLinkSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The patient revokes the link (at once: the next request of the caregiver is
        refused). Revoking an ended link changes nothing. Caregivers leave with `DELETE`."""
        link = self.get_object()
        if link.patient_id != request.user.pk:
            raise PermissionDenied(
                _("Only the patient revokes a link; to leave it, send DELETE to the link.")
            )
        care.revoke_link(link=link, now=self.now)
        link = self.get_queryset().get(pk=link.pk)
        return Response(self.get_serializer(link).data)
