from typing import cast

from django.utils import timezone
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.serializers import MeSerializer
from tracker.models import Profile, User
from tracker.services.accounts import update_profile


class MeView(GenericAPIView):
    """The signed-in person's account and profile."""

    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Profile:
        # JWTProfileAuthentication loaded the profile with the user; session auth (web, admin)
        # loads it here with one query.
        user = cast(User, self.request.user)  # IsAuthenticated ran first
        return user.profile

    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def patch(self, request: Request, *args: object, **kwargs: object) -> Response:
        profile = self.get_object()
        serializer = self.get_serializer(profile, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        disclaimer_accepted = bool(changes.pop("disclaimer_accepted", False))
        profile = update_profile(
            profile=profile,
            changes=changes,
            disclaimer_accepted=disclaimer_accepted,
            now=timezone.now(),
        )
        return Response(self.get_serializer(profile).data)
