from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tracker.services.content import ContentError, load_articles


class Command(BaseCommand):
    help = "Load the article library from content/articles/*.md (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_articles()
        except ContentError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Articles: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.unpublished} unpublished."
        )
