"""Caregiver links: a patient invites someone by email, that person accepts with their own
account, and either side can end the link (DESIGN invariant 1: only an active, unexpired link
grants anything — `tracker.queries.care.active_links` is the one definition of "active").

The invitation token exists in clear only in the email: the database keeps its SHA-256 and
clears even that once the token is used, so a token works once. The email is sent straight
from `transaction.on_commit`, not through Celery: a task would carry the clear token through
the broker (Redis), which must never hold a secret that grants access to health data.
"""

import hashlib
import logging
import secrets
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urljoin

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.models import CareLink, CareLinkStatus, User
from tracker.models.accounts import normalize_email_address
from tracker.notifications.email import site_url
from tracker.queries.care import MISSED_DOSE_ALERTS, PERMISSIONS, VIEW_SUMMARY, active_links

logger = logging.getLogger(__name__)

INVITATION_VALID_DAYS = 7
ACCEPT_PATH = "/care/accept/"

# What each permission lets the caregiver see or hear, in plain words (the invite form, the
# email and the accept page all show these). Categories only: never a health value.
PERMISSION_LABELS = {
    VIEW_SUMMARY: gettext_lazy("See a read-only summary"),
    MISSED_DOSE_ALERTS: gettext_lazy("Get an alert when a dose is missed"),
}
PERMISSION_HELP = {
    VIEW_SUMMARY: gettext_lazy(
        "How regularly doses were recorded, when the next injection is due, whether one is "
        "overdue, and whether a warning-sign symptom was recorded. Nothing can be changed."
    ),
    MISSED_DOSE_ALERTS: gettext_lazy(
        "A message when a scheduled supplement dose is recorded as missed."
    ),
}


def invalid_invitation_message() -> str:
    # One message for unknown, used and expired tokens: the answer must not tell someone
    # guessing tokens which of them once existed.
    return _(
        "This invitation link does not work. It may have expired or been used already; ask "
        "the person who invited you to send a new one."
    )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def accept_url(token: str) -> str:
    return urljoin(site_url(), f"{ACCEPT_PATH}?{urlencode({'token': token})}")


def current_status(link: CareLink, *, now: datetime) -> str:
    """The status as the person should read it: a link past its end date, or an invitation
    past its deadline, is expired even before anything has written that down."""
    if link.status == CareLinkStatus.ACTIVE and link.expires_at and link.expires_at <= now:
        return CareLinkStatus.EXPIRED
    if (
        link.status == CareLinkStatus.INVITED
        and link.invitation_expires_at
        and link.invitation_expires_at <= now
    ):
        return CareLinkStatus.EXPIRED
    return link.status


def role_of(link: CareLink, user: Any) -> str:
    return "patient" if link.patient_id == user.pk else "caregiver"


def links_of(user: Any, *, now: datetime) -> Any:
    """The links where this person is the patient or the caregiver, newest first (pending
    invitations past their deadline are marked expired first)."""
    expire_stale_invitations(now=now, patient=user)
    return (
        CareLink.objects.filter(Q(patient=user) | Q(caregiver=user))
        .select_related("patient", "caregiver")
        .order_by("-created_at")
    )


def expire_stale_invitations(*, now: datetime, patient: Any = None, token_hash: str = "") -> int:
    """Mark pending invitations past their deadline as expired (on read: nothing sweeps them)."""
    stale = CareLink.objects.filter(status=CareLinkStatus.INVITED, invitation_expires_at__lte=now)
    if patient is not None:
        stale = stale.filter(patient=patient)
    if token_hash:
        stale = stale.filter(token_hash=token_hash)
    # update() skips auto_now, so updated_at is set here.
    return stale.update(status=CareLinkStatus.EXPIRED, token_hash=None, updated_at=now)


def clean_permissions(permissions: Iterable[str]) -> list[str]:
    chosen = list(permissions)
    unknown = [code for code in chosen if code not in PERMISSIONS]
    if unknown:
        raise ValidationError(
            {
                "permissions": [
                    _("Unknown permission: %(codes)s. Choose from %(known)s.")
                    % {"codes": ", ".join(unknown), "known": ", ".join(PERMISSIONS)}
                ]
            }
        )
    if not chosen:
        raise ValidationError({"permissions": [_("Choose at least one thing to share.")]})
    return [code for code in PERMISSIONS if code in chosen]  # fixed order, no duplicates


@dataclass(frozen=True)
class Invitation:
    """A pending invitation as the accept page shows it (no token, no health data)."""

    link: CareLink
    patient_email: str
    permissions: list[str]


def find_invitation(*, token: str, now: datetime) -> Invitation | None:
    """The pending invitation this token opens, or None (unknown, used or expired)."""
    if not token:
        return None
    token_hash = hash_token(token)
    expire_stale_invitations(now=now, token_hash=token_hash)
    link = (
        CareLink.objects.filter(token_hash=token_hash, status=CareLinkStatus.INVITED)
        .select_related("patient")
        .first()
    )
    if link is None:
        return None
    return Invitation(link=link, patient_email=link.patient.email, permissions=link.permissions)


def invite_caregiver(
    *,
    patient: User,
    email: str,
    permissions: Iterable[str],
    expires_at: datetime | None,
    now: datetime,
) -> tuple[CareLink, str]:
    """Invite someone to become this patient's caregiver. Returns the link and the clear token
    (for the email only: callers must not show or store it). Inviting an address that already
    has a pending invitation replaces its token, permissions and end date — the older email's
    link stops working."""
    address = normalize_email_address(email or "")
    chosen = clean_permissions(permissions)
    if not address:
        raise ValidationError({"email": [_("Enter the email address of the person to invite.")]})
    if address == normalize_email_address(patient.email):
        raise ValidationError({"email": [_("You cannot invite yourself.")]})
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": [_("The end date must be in the future.")]})

    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Serialises this patient's invitations (PostgreSQL row lock), so two identical
        # requests cannot both find no pending invitation and create two.
        User.objects.select_for_update().filter(pk=patient.pk).first()
        expire_stale_invitations(now=now, patient=patient)
        already = (
            active_links(now=now)
            .filter(patient=patient)
            .filter(Q(invited_email=address) | Q(caregiver__email=address))
        )
        if already.exists():
            raise ValidationError(
                {"email": [_("This person can already see your summary through an active link.")]}
            )
        link = CareLink.objects.filter(
            patient=patient, invited_email=address, status=CareLinkStatus.INVITED
        ).first()
        if link is None:
            link = CareLink(patient=patient, invited_email=address, status=CareLinkStatus.INVITED)
        link.permissions = chosen
        link.expires_at = expires_at
        link.token_hash = hash_token(token)
        link.invitation_expires_at = now + timedelta(days=INVITATION_VALID_DAYS)
        link.save()

        link_id, patient_email = link.pk, patient.email
        zone = patient.profile.effective_timezone

        def send() -> None:
            send_invitation_email(
                link_id=link_id,
                to=address,
                patient_email=patient_email,
                permissions=chosen,
                ends_at=expires_at,
                zone=zone,
                token=token,
            )

        # A closure, not a partial: if the callback ever appears in a log, its repr must not
        # carry the token or the address.
        transaction.on_commit(send)
    return link, token


def send_invitation_email(
    *,
    link_id: Any,
    to: str,
    patient_email: str,
    permissions: list[str],
    ends_at: datetime | None,
    zone: str,
    token: str,
) -> None:
    context = {
        "patient_email": patient_email,
        "permissions": [(PERMISSION_LABELS[code], PERMISSION_HELP[code]) for code in permissions],
        "accept_url": accept_url(token),
        "valid_days": INVITATION_VALID_DAYS,
        # Shown in the patient's time zone, named: the invitee's zone is not known yet.
        "ends_at": ends_at,
        "zone": zone,
        "site_url": site_url(),
    }
    email = EmailMultiAlternatives(
        subject=_("%(email)s invited you to B12 Tracker") % {"email": patient_email},
        body=render_to_string("emails/care_invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    email.attach_alternative(render_to_string("emails/care_invitation.html", context), "text/html")
    try:
        email.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        # The link is stored; the patient can invite again (a fresh token). Logged without the
        # address or the token.
        logger.warning(
            "care invitation email for link %s failed (%s)", link_id, type(error).__name__
        )


def accept_invitation(*, token: str, caregiver: User, now: datetime) -> CareLink:
    """The invited person accepts with their own account (any address: people often sign up
    with another one than the patient knows; `invited_email` keeps the one invited)."""
    token_hash = hash_token(token) if token else ""
    if token_hash:
        # Committed before anything below can fail, so an expired invitation stays marked.
        expire_stale_invitations(now=now, token_hash=token_hash)
    with transaction.atomic():
        link = (
            CareLink.objects.select_for_update()
            .filter(token_hash=token_hash, status=CareLinkStatus.INVITED)
            .first()
            if token_hash
            else None
        )
        if link is None:
            raise ValidationError({"token": [invalid_invitation_message()]})
        if link.patient_id == caregiver.pk:
            raise ValidationError(
                {"token": [_("This is your own invitation: the person you invited accepts it.")]}
            )
        earlier = CareLink.objects.select_for_update().filter(
            patient_id=link.patient_id, caregiver=caregiver
        )
        for old in earlier:
            if active_links(now=now).filter(pk=old.pk).exists():
                raise ValidationError({"token": [_("You can already see this person's summary.")]})
            # One row per (patient, caregiver) is a database rule: an ended link is kept as
            # history (its invited address, dates and status) but let go of the caregiver, so
            # the new consent can take its place.
            old.caregiver = None
            if old.status == CareLinkStatus.ACTIVE:  # ended by its end date
                old.status = CareLinkStatus.EXPIRED
            old.save(update_fields=["caregiver", "status", "updated_at"])
        link.caregiver = caregiver
        link.status = CareLinkStatus.ACTIVE
        link.accepted_at = now
        link.token_hash = None  # single use
        link.save(update_fields=["caregiver", "status", "accepted_at", "token_hash", "updated_at"])
    return link


def revoke_link(*, link: CareLink, now: datetime) -> CareLink:
    """End a link: the patient revokes it, or the caregiver leaves it (the caller checks who
    may). Takes effect on the next request, since `active_links` reads the status. Idempotent:
    an ended link stays as it is. A pending invitation is revoked too (its token stops
    working)."""
    with transaction.atomic():
        locked = CareLink.objects.select_for_update().get(pk=link.pk)
        if locked.status in (CareLinkStatus.REVOKED, CareLinkStatus.EXPIRED):
            return locked
        locked.status = CareLinkStatus.REVOKED
        locked.revoked_at = now
        locked.token_hash = None
        locked.save(update_fields=["status", "revoked_at", "token_hash", "updated_at"])
    return locked
