from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "B12 Tracker"

    def ready(self) -> None:
        from tracker import checks  # noqa: F401  (registers the system checks)
        from tracker.api import schema  # noqa: F401  (registers OpenAPI extensions)
