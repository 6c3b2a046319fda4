from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.safety import SourceSerializer
from tracker.domain.disclaimer import DISCLAIMER
from tracker.models import Article
from tracker.queries.content import suggested_articles


class ArticleSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["slug", "title", "summary", "audiences", "tags", "reviewed_at"]
        read_only_fields = fields


class ArticleSerializer(ArticleSummarySerializer):
    references = SourceSerializer(many=True)
    disclaimer = serializers.SerializerMethodField()

    class Meta(ArticleSummarySerializer.Meta):
        fields = [*ArticleSummarySerializer.Meta.fields, "body_html", "references", "disclaimer"]
        read_only_fields = fields

    def get_disclaimer(self, article: Article) -> str:
        return str(DISCLAIMER)


class SuggestionSerializer(serializers.Serializer):
    article = ArticleSummarySerializer()
    because = serializers.ListField(
        child=serializers.CharField(), help_text="The audience tags of yours it matches."
    )


# One object with a results list, not a list: many=False stops the schema's list heuristic.
@extend_schema_serializer(many=False)
class ArticleListSerializer(serializers.Serializer):
    results = ArticleSummarySerializer(many=True)


@extend_schema_serializer(many=False)
class SuggestionListSerializer(serializers.Serializer):
    results = SuggestionSerializer(many=True)


class ArticleViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The educational library (public). Every article lists its sources and ends by sending
    the reader to their healthcare professional."""

    serializer_class = ArticleSerializer
    permission_classes = [AllowAny]
    lookup_field = "slug"
    pagination_class = None

    def get_queryset(self) -> Any:
        return Article.objects.filter(published=True)

    @extend_schema(responses=ArticleListSerializer)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        articles = self.get_queryset()
        return Response({"results": ArticleSummarySerializer(articles, many=True).data})

    @extend_schema(responses=SuggestionListSerializer)
    @action(detail=False, permission_classes=[IsAuthenticated])
    def suggested(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Articles chosen for you from your profile and recent diary."""
        suggestions = suggested_articles(request.user, limit=3)
        return Response(
            {
                "results": [
                    {"article": ArticleSummarySerializer(article).data, "because": because}
                    for article, because in suggestions
                ]
            }
        )
