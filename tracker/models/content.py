from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimestampedModel


class Article(TimestampedModel):
    """An educational article, loaded from content/articles/*.md and editable by staff."""

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300)
    body_markdown = models.TextField()
    # Rendered and sanitised from body_markdown by tracker.services.content, never by hand.
    body_html = models.TextField(editable=False)
    audiences = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    # [{"title": …, "url": …}]: every article lists its sources.
    references = models.JSONField(default=list)
    reviewed_at = models.DateField()
    published = models.BooleanField(default=True)
    # The file a loaded article came from (blank when written in the admin).
    source_path = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")

    def __str__(self) -> str:
        return self.title
