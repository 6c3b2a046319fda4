from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from tracker.domain.disclaimer import DISCLAIMER
from tracker.models import Article
from tracker.queries.content import suggested_articles


@require_safe
def learn_index(request: HttpRequest) -> HttpResponse:
    suggestions = suggested_articles(request.user) if request.user.is_authenticated else []
    return render(
        request,
        "learn/index.html",
        {
            "articles": Article.objects.filter(published=True),
            "suggestions": [article for article, _because in suggestions],
            "disclaimer": DISCLAIMER,
        },
    )


@require_safe
def learn_article(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article, slug=slug, published=True)
    return render(request, "learn/article.html", {"article": article, "disclaimer": DISCLAIMER})
