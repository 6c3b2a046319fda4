from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.records import (
    FoodIntakeSerializer,
    InjectionPlanSerializer,
    InjectionSerializer,
    LabResultSerializer,
    SupplementDoseSerializer,
    SupplementSerializer,
    SymptomEntrySerializer,
)
from tracker.api.resources import OwnedViewSet
from tracker.domain.schedules import local_date
from tracker.models import (
    FoodIntake,
    Injection,
    InjectionPlan,
    LabResult,
    Supplement,
    SupplementDose,
    SymptomEntry,
)
from tracker.queries.injections import plan_statuses
from tracker.services import diary, injections, intakes, labs, supplements
from tracker.services.records import apply_changes


def _client_id(data: dict[str, Any]) -> Any:
    return data.pop("id", None)


class FoodIntakeViewSet(OwnedViewSet):
    """Foods eaten. The server computes `b12_ug` from the food and amount and keeps it fixed."""

    model = FoodIntake
    serializer_class = FoodIntakeSerializer
    select_related = ("food",)

    def create_object(self, data: dict[str, Any]) -> FoodIntake:
        return intakes.log_food_intake(user=self.user, client_id=_client_id(data), **data)

    def update_object(self, instance: FoodIntake, data: dict[str, Any]) -> FoodIntake:
        return intakes.update_food_intake(intake=instance, changes=data)


class SupplementViewSet(OwnedViewSet):
    """Supplements the person takes (regimens), as on the label."""

    model = Supplement
    serializer_class = SupplementSerializer

    def create_object(self, data: dict[str, Any]) -> Supplement:
        return supplements.add_supplement(user=self.user, client_id=_client_id(data), **data)

    def update_object(self, instance: Supplement, data: dict[str, Any]) -> Supplement:
        # Edits change future doses only: logged doses keep their µg snapshot.
        return apply_changes(record=instance, changes=data)  # type: ignore[return-value]


class SupplementDoseViewSet(OwnedViewSet):
    """Doses taken, skipped or missed. A taken dose without `taken_at` is taken now."""

    model = SupplementDose
    serializer_class = SupplementDoseSerializer
    select_related = ("supplement",)

    def create_object(self, data: dict[str, Any]) -> SupplementDose:
        return supplements.record_supplement_dose(
            user=self.user, client_id=_client_id(data), now=timezone.now(), **data
        )

    def update_object(self, instance: SupplementDose, data: dict[str, Any]) -> SupplementDose:
        return supplements.update_supplement_dose(dose=instance, changes=data, now=timezone.now())


class InjectionPlanViewSet(OwnedViewSet):
    """The injection schedule the clinician prescribed, recorded as given. `next_due` and
    `overdue_days` are computed from the injections recorded under the plan; the service
    never suggests a schedule."""

    model = InjectionPlan
    serializer_class = InjectionPlanSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["schedule_status"] = getattr(self, "_statuses", {})
        return context

    def _with_statuses(self, plans: list[InjectionPlan]) -> None:
        zone = self.user.profile.effective_timezone
        today = local_date(timezone.now(), zone)
        self._statuses = plan_statuses(plans, tz_name=zone, today=today)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None
        self._with_statuses(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        # Single objects (retrieve, create, update) get their status computed here.
        instance = args[0] if args else None
        # Only output needs the status: skip it for the serializer that validates PATCH input.
        if isinstance(instance, InjectionPlan) and "data" not in kwargs:
            self._with_statuses([instance])
        return super().get_serializer(*args, **kwargs)

    def create_object(self, data: dict[str, Any]) -> InjectionPlan:
        return injections.add_injection_plan(user=self.user, client_id=_client_id(data), **data)

    def update_object(self, instance: InjectionPlan, data: dict[str, Any]) -> InjectionPlan:
        return injections.update_injection_plan(plan=instance, changes=data)


class InjectionViewSet(OwnedViewSet):
    """Injections given: when, dose, site (for rotation), by whom, lot."""

    model = Injection
    serializer_class = InjectionSerializer

    def create_object(self, data: dict[str, Any]) -> Injection:
        plan = data.pop("plan", None)
        return injections.record_injection(
            user=self.user, plan=plan, client_id=_client_id(data), **data
        )

    def update_object(self, instance: Injection, data: dict[str, Any]) -> Injection:
        return injections.update_injection(injection=instance, changes=data)

    def perform_destroy(self, instance: Injection) -> None:  # type: ignore[override]
        injections.delete_injection(injection=instance)


class SymptomEntryViewSet(OwnedViewSet):
    """The symptom diary: a symptom from the fixed vocabulary, its severity 0–10 and any
    warning signs. Red flags raise an alert telling the person to seek medical advice
    promptly or urgently (never a diagnosis)."""

    model = SymptomEntry
    serializer_class = SymptomEntrySerializer

    def owned_rows(self) -> QuerySet:
        # The entries' alerts in one more query for the whole page.
        return super().owned_rows().prefetch_related("alerts")

    def create_object(self, data: dict[str, Any]) -> SymptomEntry:
        entry = diary.record_symptom(user=self.user, client_id=_client_id(data), **data)
        return self.owned_rows().get(pk=entry.pk)

    def update_object(self, instance: SymptomEntry, data: dict[str, Any]) -> SymptomEntry:
        diary.update_symptom(entry=instance, changes=data)
        return self.owned_rows().get(pk=instance.pk)

    def perform_destroy(self, instance: SymptomEntry) -> None:  # type: ignore[override]
        diary.delete_symptom(entry=instance, now=timezone.now())


class LabResultViewSet(OwnedViewSet):
    """Lab results as reported, with the value converted to the test's canonical unit."""

    model = LabResult
    serializer_class = LabResultSerializer

    def owned_rows(self) -> QuerySet:
        return super().owned_rows().with_injection_flag()

    def create_object(self, data: dict[str, Any]) -> LabResult:
        result = labs.record_lab_result(user=self.user, client_id=_client_id(data), **data)
        return self.owned_rows().get(pk=result.pk)  # with drawn_after_injection

    def update_object(self, instance: LabResult, data: dict[str, Any]) -> LabResult:
        labs.update_lab_result(result=instance, changes=data)
        return self.owned_rows().get(pk=instance.pk)
