"""The article library: Markdown files with YAML front matter in content/articles/, rendered
to sanitised HTML and upserted by slug."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import markdown  # type: ignore[import-untyped]
import nh3
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from tracker.models import Article
from tracker.models.content import RESERVED_SLUGS, validate_references

ARTICLES_DIR = Path(settings.BASE_DIR) / "content" / "articles"
AUDIENCES = frozenset(
    {
        "everyone",
        "vegan",
        "older_adult",
        "injections",
        "risk_medicines",
        "absorption",
        "nerve_symptoms",
        "back_pain",
        "labs",
        "caregiver",
    }
)
# Every article hands the decision back to a professional (DESIGN invariant 7).
CLOSING_LINE = "**Talk to your healthcare professional.**"


class ContentError(ValueError):
    pass


def render_markdown(text: str) -> str:
    """Markdown to HTML, then sanitised: staff-edited text must never carry scripts."""
    html = markdown.markdown(text, extensions=["tables", "sane_lists"])
    return nh3.clean(
        html,
        # No images: an outside image on a health page tells its host who reads what.
        tags=nh3.ALLOWED_TAGS - {"img"},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def parse_article(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        raise ContentError(f"{path.name}: no front matter")
    try:
        _, front, body = text.split("---\n", 2)
    except ValueError:
        raise ContentError(f"{path.name}: front matter is not closed") from None
    meta = yaml.safe_load(front) or {}
    problems = []
    for key in ("slug", "title", "summary", "audiences", "references", "reviewed"):
        if not meta.get(key):
            problems.append(f"missing {key}")
    if meta.get("slug") and meta["slug"] != path.stem:
        problems.append("slug differs from the file name")
    unknown = set(meta.get("audiences") or []) - AUDIENCES
    if unknown:
        problems.append(f"unknown audiences {sorted(unknown)}")
    try:
        validate_references(meta.get("references"))
    except DjangoValidationError as exc:
        problems.append(f"reference without a title and an http(s) URL: {exc.messages[0]}")
    if meta.get("slug") in RESERVED_SLUGS:
        problems.append("this slug is reserved")
    last_paragraph = body.strip().split("\n\n")[-1].strip()
    if not last_paragraph.startswith(CLOSING_LINE):
        problems.append(f"the last paragraph must start with {CLOSING_LINE}")
    if not isinstance(meta.get("reviewed"), date):
        problems.append("reviewed must be a date (YYYY-MM-DD)")
    if problems:
        raise ContentError(f"{path.name}: " + "; ".join(problems))
    return {
        "slug": meta["slug"],
        "title": str(meta["title"]).strip(),
        "summary": str(meta["summary"]).strip(),
        "body_markdown": body.strip() + "\n",
        "body_html": render_markdown(body),
        "audiences": list(meta["audiences"]),
        "tags": [str(tag) for tag in meta.get("tags") or []],
        "references": [{"title": r["title"], "url": r["url"]} for r in meta["references"]],
        "reviewed_at": meta["reviewed"],
        "published": bool(meta.get("published", True)),
        "source_path": _display_path(path),
    }


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int
    unpublished: int


def load_articles(directory: Path = ARTICLES_DIR) -> LoadResult:
    """Idempotent: an unchanged file writes nothing; a removed file unpublishes its article."""
    parsed = [parse_article(path) for path in sorted(directory.glob("*.md"))]
    created = updated = unchanged = 0
    with transaction.atomic():
        existing = {article.slug: article for article in Article.objects.all()}
        for fields in parsed:
            article = existing.get(fields["slug"])
            if article is None:
                Article.objects.create(**fields)
                created += 1
            elif any(getattr(article, key) != value for key, value in fields.items()):
                for key, value in fields.items():
                    setattr(article, key, value)
                article.save()
                updated += 1
            else:
                unchanged += 1
        loaded = {fields["slug"] for fields in parsed}
        unpublished = (
            Article.objects.exclude(source_path="")
            .exclude(slug__in=loaded)
            .filter(published=True)
            .update(published=False)
        )
    return LoadResult(created, updated, unchanged, unpublished)


def save_edited_article(article: Article) -> Article:
    """A staff edit: validate (sources), then re-render so the HTML matches the Markdown."""
    article.full_clean(exclude=["body_html"])
    if article.slug in RESERVED_SLUGS:
        raise DjangoValidationError({"slug": ["This slug is reserved."]})
    article.body_html = render_markdown(article.body_markdown)
    with transaction.atomic():
        article.save()
    return article
