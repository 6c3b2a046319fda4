"""Reads about injection plans: next-due status for a page of plans in one query."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from uuid import UUID

from tracker.domain.schedules import InjectionSchedule, ScheduleStatus, local_date, schedule_status
from tracker.models import Injection, InjectionPlan


def schedule_for(plan: InjectionPlan) -> InjectionSchedule:
    return InjectionSchedule(
        maintenance_interval_days=plan.maintenance_interval_days,
        loading_doses=plan.loading_doses,
        loading_interval_days=plan.loading_interval_days,
        basis=plan.schedule_basis,  # type: ignore[arg-type]
        anchor_date=plan.anchor_date,
        start_date=plan.start_date,
    )


def plan_statuses(
    plans: Iterable[InjectionPlan], *, tz_name: str, today: date
) -> dict[UUID, ScheduleStatus]:
    """Status of each plan from its injections, fetched for all plans in one query."""
    plans = list(plans)
    given: dict[UUID, list[date]] = defaultdict(list)
    rows = Injection.objects.filter(
        plan__in=[plan.pk for plan in plans], deleted_at__isnull=True
    ).values_list("plan_id", "given_at")
    for plan_id, given_at in rows:
        given[plan_id].append(local_date(given_at, tz_name))
    return {plan.pk: schedule_status(schedule_for(plan), given[plan.pk], today) for plan in plans}
