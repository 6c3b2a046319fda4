"""`care/access-log/`: who read your health data (caregivers, staff, exports), newest first.

Read-only — the log is append-only and written only by tracker.services.audit — and scoped to
the rows where you are the patient: nobody sees who read someone else's data here."""

from typing import Any, cast

from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated

from tracker.models import AccessChannel, AccessLog, User


class AccessLogSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor_label",
        read_only=True,
        help_text="The reader's email address at the time of the read.",
    )
    what = serializers.CharField(
        read_only=True, help_text='What was read, e.g. "summary" or "symptom entry".'
    )
    channel = serializers.ChoiceField(
        AccessChannel.choices, read_only=True, help_text="Where the read happened."
    )

    class Meta:
        model = AccessLog
        fields = ["id", "at", "actor", "what", "channel"]
        read_only_fields = fields


class AccessLogView(generics.ListAPIView):
    """Every read of your health data by someone else: a caregiver (caregiver site or app),
    our staff (admin) or an export, newest first. Revoke a caregiver's access under care/links/."""

    serializer_class = AccessLogSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular inspecting the view
            return AccessLog.objects.none()
        # Served by the (patient, -at) index.
        return AccessLog.objects.filter(patient=cast(User, self.request.user))

    def pagination_ordering(self) -> tuple[str, ...]:
        # TimeCursorPagination asks the view; the id breaks ties between rows of one instant.
        return ("-at", "-id")
