"""Erasing an account (GDPR art. 17): every row of the person goes, for good, in one transaction.

Unlike the soft delete of a record (``deleted_at``, so other devices learn of it), this is the
person's right to erasure: rows are hard-deleted, from every table that holds them.

- The records (intakes, label foods, regimens, doses, plans, injections, diary, alerts, labs,
  reminders, notifications and their deliveries) are deleted in an order that satisfies the
  RESTRICT links between them, then the profile and the account. Caregivers' alerts about the
  person are deleted too (they name the person), with their deliveries.
- Care links both ways (as patient, including invitations sent, and as caregiver) end by being
  deleted; the other side is told nothing.
- Push registrations of every kind, JWT refresh tokens (outstanding and blacklisted), the
  person's web sessions and django-axes' sign-in records (keyed by email, not by a foreign key)
  are deleted. An access token still in a client's hands answers 401 from then on: its user no
  longer exists.
- The audit trail is kept but pseudonymised: tracker AccessLog rows where the person read
  someone's data or had theirs read lose the link to the account and show ``erased-<hash>``
  instead of an email. The hash is an HMAC of the account id under the secret key: the same
  pseudonym on every row of one person (an auditor can still tell the reads of one erased
  person apart), which nobody can turn back into the id without the key.
- The admin's change log (django.contrib.admin LogEntry): entries *by* the person are deleted
  (the table's user link is NOT NULL: a row cannot outlive its author; only staff accounts
  have such entries, and the reads of health data they made stay in the AccessLog);
  entries *about* the person's account (a staff member changed it) keep the staff member's
  accountability with the person's name, email and id replaced by the pseudonym.

Tasks already queued for the person (a delivery id) find nothing and do nothing
(tracker.services.notifications.deliver).

Concurrency: the person's reminders are locked first, then the account row, which is the order
the dispatcher takes (it claims reminders, then inserts notifications that reference the
account), so the two never deadlock; the dispatcher skips locked reminders. Two erasures of
one account at once: the second waits for the first and then finds nothing to do.
"""

import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils.crypto import salted_hmac

from tracker.models import (
    AccessLog,
    Alert,
    CareLink,
    Delivery,
    Food,
    FoodIntake,
    Injection,
    InjectionPlan,
    LabResult,
    Notification,
    Profile,
    Reminder,
    Supplement,
    SupplementDose,
    SymptomEntry,
    User,
)

logger = logging.getLogger(__name__)

PSEUDONYM_PREFIX = "erased-"
SESSION_CHUNK = 2000


@dataclass
class Erasure:
    """What an erasure did: the pseudonym the audit rows now carry and rows deleted per
    table (counts only: nothing about the person)."""

    pseudonym: str
    deleted: Counter[str] = field(default_factory=Counter)
    pseudonymised: Counter[str] = field(default_factory=Counter)


def pseudonym_for(user_id: Any) -> str:
    digest = salted_hmac(
        "tracker.services.erasure.pseudonym", str(user_id), algorithm="sha256"
    ).hexdigest()
    return f"{PSEUDONYM_PREFIX}{digest[:16]}"


def erase_account(*, user: User, now: datetime) -> Erasure | None:
    """Erase the account and everything of the person. None when it was erased already."""
    with transaction.atomic():
        # The reminders, then the account: the dispatcher's order (see the module docstring).
        list(Reminder.objects.select_for_update().filter(owner=user).values_list("pk"))
        account = User.objects.select_for_update().filter(pk=user.pk).first()
        if account is None:
            return None
        result = Erasure(pseudonym=pseudonym_for(account.pk))
        _pseudonymise_audit(account, result)
        _erase_admin_log(account, result)
        _delete_records(account, result)
        _delete_credentials(account, result, now=now)
        _count(result, Profile.objects.filter(user=account).delete())
        # Whatever else still cascades from the account (group and permission memberships, a
        # table added later with on_delete=CASCADE) goes with it.
        _count(result, account.delete())
    # The pseudonym and counts only: nothing that names the person.
    logger.info(
        "account erased (%s): %d rows deleted", result.pseudonym, sum(result.deleted.values())
    )
    return result


def _count(result: Erasure, deletion: tuple[int, dict[str, int]]) -> None:
    for label, number in deletion[1].items():
        if number:
            result.deleted[label] += number


def _pseudonymise_audit(user: User, result: Erasure) -> None:
    pseudonym = result.pseudonym
    result.pseudonymised["tracker.AccessLog"] += AccessLog.objects.filter(actor=user).update(
        actor=None, actor_label=pseudonym
    )
    result.pseudonymised["tracker.AccessLog"] += AccessLog.objects.filter(patient=user).update(
        patient=None, patient_label=pseudonym
    )


def _erase_admin_log(user: User, result: Erasure) -> None:
    if not apps.is_installed("django.contrib.admin"):
        return
    from django.contrib.admin.models import LogEntry

    _count(result, LogEntry.objects.filter(user=user).delete())
    about = LogEntry.objects.filter(
        content_type__in=ContentType.objects.get_for_models(User, Profile).values(),
        object_id=str(user.pk),
    )
    identifiers = [str(user.pk), user.email]
    for entry in about:  # a handful: staff changing one account
        message = entry.change_message
        for identifier in identifiers:
            message = message.replace(identifier, result.pseudonym)
        entry.object_id = result.pseudonym
        entry.object_repr = result.pseudonym
        entry.change_message = message
        entry.save(update_fields=["object_id", "object_repr", "change_message"])
        result.pseudonymised["admin.LogEntry"] += 1


def _delete_records(user: User, result: Erasure) -> None:
    # Children before the rows they RESTRICT: deliveries and notifications (the person's own
    # and caregivers' alerts about them) before reminders and doses, doses before supplements,
    # injections before plans, intakes before label foods.
    notifications = Notification.objects.filter(Q(owner=user) | Q(patient=user))
    steps: list[models.QuerySet[Any]] = [
        Delivery.objects.filter(notification__in=notifications.values("pk")),
        notifications,
        Reminder.objects.filter(owner=user),
        Alert.objects.filter(owner=user),
        SymptomEntry.objects.filter(owner=user),
        SupplementDose.objects.filter(owner=user),
        Supplement.objects.filter(owner=user),
        Injection.objects.filter(owner=user),
        InjectionPlan.objects.filter(owner=user),
        FoodIntake.objects.filter(owner=user),
        Food.objects.filter(owner=user),
        LabResult.objects.filter(owner=user),
        CareLink.objects.filter(Q(patient=user) | Q(caregiver=user)),
    ]
    for queryset in steps:
        _count(result, queryset.delete())


def _delete_credentials(user: User, result: Erasure, *, now: datetime) -> None:
    # Push registrations of every kind the app has (FCM, APNs, WNS, Web Push, …).
    if apps.is_installed("push_notifications"):
        for model in apps.get_app_config("push_notifications").get_models():
            if any(f.name == "user" and f.is_relation for f in model._meta.concrete_fields):
                _count(result, model._default_manager.filter(user=user).delete())
    # Refresh tokens (SET_NULL on the user would leave them, each naming the account).
    if apps.is_installed("rest_framework_simplejwt.token_blacklist"):
        from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

        _count(result, OutstandingToken.objects.filter(user=user).delete())
    # django-axes keys sign-in attempts and logs by the (normalised) email, not a foreign key.
    if apps.is_installed("axes"):
        for model in apps.get_app_config("axes").get_models():
            if any(f.name == "username" for f in model._meta.concrete_fields):
                _count(result, model._default_manager.filter(username__iexact=user.email).delete())
    _delete_sessions(user, result, now=now)


def _delete_sessions(user: User, result: Erasure, *, now: datetime) -> None:
    """The person's web sessions. A session row names its user only inside its signed,
    encoded data, so the live ones are decoded (in chunks); expired ones are removed outright,
    whoever they were for, as ``clearsessions`` would: they sign nobody in, and one of them
    may still name this person. A cache-only session engine keeps no table: its sessions die
    with the account (the user they name is gone) and expire on their own."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store_class, "get_model_class"):
        return
    session_model = store_class.get_model_class()
    label = session_model._meta.label
    expired, _by_model = session_model.objects.filter(expire_date__lte=now).delete()
    if expired:
        result.deleted[label] += expired
    mine = list(_live_session_keys_of(user, store_class, session_model, now=now))
    if mine:
        number, _by_model = session_model.objects.filter(session_key__in=mine).delete()
        result.deleted[label] += number
        if hasattr(store_class, "cache_key_prefix"):  # cached_db: the cached copy too
            from django.core.cache import caches

            cache = caches[settings.SESSION_CACHE_ALIAS]
            cache.delete_many([store_class.cache_key_prefix + key for key in mine])


def _live_session_keys_of(
    user: User, store_class: Any, session_model: Any, *, now: datetime
) -> Iterator[str]:
    decoder = store_class()
    user_id = str(user.pk)  # how django.contrib.auth.login stores it
    rows = (
        session_model.objects.filter(expire_date__gt=now)
        .values_list("session_key", "session_data")
        .iterator(chunk_size=SESSION_CHUNK)
    )
    for key, data in rows:
        if decoder.decode(data).get(SESSION_KEY) == user_id:
            yield key
