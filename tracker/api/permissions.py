from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request


class DisclaimerAccepted(BasePermission):
    """Logging starts only after the person has accepted the medical disclaimer once
    (the first-use gate); reading and deleting stay open."""

    message = _(
        "Please read and accept the medical disclaimer first "
        '(PATCH me/ with {"disclaimer_accepted": true}).'
    )
    code = "disclaimer_required"

    def has_permission(self, request: Request, view: Any) -> bool:
        # Reading, and deleting one's own data, never wait for the disclaimer.
        if request.method in SAFE_METHODS or request.method == "DELETE":
            return True
        profile = getattr(request.user, "profile", None)
        if profile is not None and profile.disclaimer_accepted_at is not None:
            return True
        # A code clients can act on (show the disclaimer), not just a sentence.
        raise PermissionDenied({"detail": self.message, "code": self.code})
