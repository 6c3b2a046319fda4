from django.db import models


class ServiceHeartbeat(models.Model):
    """When a background component last proved it was alive (one row per name, upserted)."""

    name = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"
