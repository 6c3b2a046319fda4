from datetime import datetime

from tracker.models import ServiceHeartbeat


def record_service_heartbeat(*, name: str, now: datetime) -> ServiceHeartbeat:
    heartbeat, _ = ServiceHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": now})
    return heartbeat
