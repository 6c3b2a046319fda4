from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TimestampedModel


def validate_references(value: object) -> None:
    """A list of {"title", "url"} with http(s) URLs: the URL goes into a link on a public page,
    so javascript: and friends must never get in (from a file or from the admin)."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("List at least one source."))
    for reference in value:
        if (
            not isinstance(reference, dict)
            or set(reference) != {"title", "url"}
            or not isinstance(reference["title"], str)
            or not reference["title"].strip()
            or not isinstance(reference["url"], str)
            or not reference["url"].startswith(("https://", "http://"))
        ):
            raise ValidationError(
                _('Each source is {"title": "…", "url": "https://…"}; got %(value)r.'),
                params={"value": reference},
            )


# Slugs that would collide with routes under articles/ in the API.
RESERVED_SLUGS = frozenset({"suggested"})


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
    references = models.JSONField(default=list, validators=[validate_references])
    reviewed_at = models.DateField()
    published = models.BooleanField(default=True)
    # The file a loaded article came from (blank when written in the admin).
    source_path = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")

    def __str__(self) -> str:
        return self.title
