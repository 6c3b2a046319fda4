from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import client_for
from tests.factories import make_user
from tracker.models import Article, InjectionPlan
from tracker.services.content import (
    ARTICLES_DIR,
    ContentError,
    load_articles,
    parse_article,
    render_markdown,
)

pytestmark = pytest.mark.django_db

GOOD = """---
slug: {slug}
title: A test article
summary: What it is about.
audiences: [{audience}]
tags: [test]
reviewed: 2026-11-22
references:
  - title: "NICE NG239"
    url: "https://www.nice.org.uk/guidance/ng239"
---
## Heading

Body text with a [link](https://example.org) and <script>alert(1)</script> in it.

**Talk to your healthcare professional.** They decide.
"""


def write(directory: Path, slug: str = "test-article", audience: str = "everyone", text=None):  # type: ignore[no-untyped-def]
    path = directory / f"{slug}.md"
    path.write_text(text or GOOD.format(slug=slug, audience=audience))
    return path


def test_markdown_is_rendered_and_sanitised():
    html = render_markdown("Hi <script>alert(1)</script> [x](javascript:alert(1)) **b**")
    assert "<script>" not in html
    assert "javascript:" not in html
    assert "<strong>b</strong>" in html


def test_images_are_stripped_so_no_outside_host_sees_who_reads_what():
    assert "<img" not in render_markdown("![x](https://tracker.example/pixel.png)")


def test_admin_refuses_a_javascript_source_link(admin_client):
    response = admin_client.post(
        "/admin/tracker/article/add/",
        {
            "slug": "evil",
            "title": "Evil",
            "summary": "x",
            "body_markdown": "text",
            "audiences": "[]",
            "tags": "[]",
            "references": '[{"title": "click", "url": "javascript:alert(document.cookie)"}]',
            "reviewed_at": "2026-11-22",
            "published": "on",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Article.objects.filter(slug="evil").exists()
    malformed = admin_client.post(
        "/admin/tracker/article/add/",
        {"slug": "odd", "title": "Odd", "summary": "x", "body_markdown": "t", "audiences": "[]",
         "tags": "[]", "references": '["https://example.org"]', "reviewed_at": "2026-11-22"},
    )  # fmt: skip
    assert malformed.status_code == 200
    assert not Article.objects.filter(slug="odd").exists()


def test_admin_edits_are_rendered_and_sanitised(admin_client):
    response = admin_client.post(
        "/admin/tracker/article/add/",
        {"slug": "edited", "title": "Edited", "summary": "x",
         "body_markdown": "**Hi** <script>x()</script>", "audiences": '["everyone"]',
         "tags": "[]", "references": '[{"title": "NICE", "url": "https://www.nice.org.uk/"}]',
         "reviewed_at": "2026-11-22", "published": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    html = Article.objects.get(slug="edited").body_html
    assert "<strong>Hi</strong>" in html and "<script>" not in html


def test_loading_is_idempotent_and_unpublishes_removed_files(tmp_path):
    write(tmp_path, "first")
    second = write(tmp_path, "second")

    assert load_articles(tmp_path).created == 2
    again = load_articles(tmp_path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)

    second.unlink()
    assert load_articles(tmp_path).unpublished == 1
    assert list(Article.objects.filter(published=True).values_list("slug", flat=True)) == ["first"]
    article = Article.objects.get(slug="first")
    assert "<script>" not in article.body_html


@pytest.mark.parametrize(
    ("mutation", "problem"),
    [
        (lambda t: t.replace("**Talk to your healthcare professional.** They decide.", "Bye."),
         "last paragraph"),
        (lambda t: t.replace('url: "https://www.nice.org.uk/guidance/ng239"', 'url: "ftp://x"'),
         "reference"),
        (lambda t: t.replace("audiences: [everyone]", "audiences: [aliens]"), "audiences"),
        (lambda t: t.replace("slug: test-article", "slug: other"), "slug"),
        (lambda t: t.replace("reviewed: 2026-11-22\n", ""), "reviewed"),
        (lambda t: t.replace("ng239\"", "ng239\"\n  - \"https://bare.example\""), "reference"),
    ],
)  # fmt: skip
def test_an_article_breaking_the_rules_is_refused(tmp_path, mutation, problem):
    path = write(tmp_path, text=mutation(GOOD.format(slug="test-article", audience="everyone")))
    with pytest.raises(ContentError, match=problem):
        parse_article(path)


def test_the_repository_library_loads_and_covers_every_topic():
    result = load_articles()
    assert result.created >= 14
    slugs = set(Article.objects.values_list("slug", flat=True))
    required = {
        "b12-and-the-nerves-of-the-spine",
        "b12-and-back-pain-what-studies-found",
        "symptoms-of-b12-deficiency",
        "subacute-combined-degeneration",
        "who-is-at-risk",
        "b12-for-vegans",
        "older-adults-and-absorption",
        "tablets-sublingual-or-injections",
        "injection-schedules",
        "understanding-lab-results",
        "b12-vitamin-d-vitamin-c-and-the-spine",
        "foods-richest-in-b12",
        "how-this-app-estimates-absorbed-b12",
        "when-to-seek-urgent-help",
    }
    assert required <= slugs
    for article in Article.objects.all():
        assert article.references, article.slug
        assert "Talk to your healthcare professional." in article.body_html, article.slug


def test_articles_are_public_in_the_api(api_client, tmp_path):
    write(tmp_path, "open-article")
    load_articles(tmp_path)

    listed = api_client.get("/api/v1/articles/").json()["results"]
    detail = api_client.get("/api/v1/articles/open-article/").json()

    assert [a["slug"] for a in listed] == ["open-article"]
    assert detail["references"] == [
        {"title": "NICE NG239", "url": "https://www.nice.org.uk/guidance/ng239"}
    ]
    assert "does not diagnose" in detail["disclaimer"]
    assert "<h2>Heading</h2>" in detail["body_html"]
    Article.objects.update(published=False)
    assert api_client.get("/api/v1/articles/open-article/").status_code == 404


def test_learn_pages_list_and_show_articles_with_sources(client, tmp_path):
    write(tmp_path, "page-article")
    load_articles(tmp_path)

    index = client.get("/learn/")
    page = client.get("/learn/page-article/")

    assert index.status_code == page.status_code == 200
    assert b"A test article" in index.content
    html = page.content.decode()
    assert 'href="https://www.nice.org.uk/guidance/ng239"' in html
    assert "Sources" in html and "does not diagnose" in html
    assert "<script>alert(1)</script>" not in html
    assert client.get("/learn/nope/").status_code == 404


def test_suggestions_follow_the_profile(tmp_path):
    write(tmp_path, "for-everyone", "everyone")
    write(tmp_path, "for-vegans", "vegan")
    write(tmp_path, "for-injections", "injections")
    load_articles(tmp_path)
    vegan = make_user(diet_type="vegan")
    InjectionPlan.objects.create(
        owner=vegan, product="X", dose_ug=1000, route="im", maintenance_interval_days=90
    )

    results = client_for(vegan).get("/api/v1/articles/suggested/").json()["results"]

    assert [r["article"]["slug"] for r in results][:2] in (
        ["for-injections", "for-vegans"],
        ["for-vegans", "for-injections"],
    )
    assert {tuple(r["because"]) for r in results[:2]} == {("vegan",), ("injections",)}
    omnivore = client_for(make_user()).get("/api/v1/articles/suggested/").json()["results"]
    assert [r["article"]["slug"] for r in omnivore] == ["for-everyone"]


def test_the_library_folder_is_in_the_repository():
    assert ARTICLES_DIR == Path(settings.BASE_DIR) / "content" / "articles"
