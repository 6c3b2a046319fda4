import uuid
from typing import Any, cast

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.foods import CustomFoodSerializer, FoodListSerializer, FoodSerializer
from tracker.models import Food, User
from tracker.queries.foods import search_foods
from tracker.services.foods_custom import add_custom_food

MAX_QUERY_LENGTH = 100
DEFAULT_LIMIT = 25
MAX_LIMIT = 50


class FoodViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The food catalogue (USDA FoodData Central) plus the person's own label foods."""

    serializer_class = FoodSerializer
    pagination_class = None

    @property
    def user(self) -> User:
        return cast(User, self.request.user)

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular inspecting the view
            return Food.objects.none()
        return Food.objects.visible_to(self.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="Words of the food's name."),
            OpenApiParameter("barcode", str, description="Exact EAN/UPC barcode."),
            OpenApiParameter("limit", int, description=f"At most {MAX_LIMIT} results."),
        ],
        responses=FoodListSerializer,
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = request.query_params.get("search", "")
        if len(query) > MAX_QUERY_LENGTH:
            raise ValidationError({"search": [_("Search with at most 100 characters.")]})
        try:
            limit = int(request.query_params.get("limit", DEFAULT_LIMIT))
        except ValueError:
            raise ValidationError({"limit": [_("A whole number.")]}) from None
        limit = max(1, min(limit, MAX_LIMIT))
        barcode = request.query_params.get("barcode", "").strip()
        if barcode:
            foods = list(self.get_queryset().filter(barcode=barcode)[:limit])
        else:
            foods = list(search_foods(user=self.user, query=query, limit=limit))
        return Response({"results": FoodSerializer(foods, many=True).data})

    @extend_schema(
        request=CustomFoodSerializer, responses={200: FoodSerializer, 201: FoodSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raw_id = request.data.get("id") if isinstance(request.data, dict) else None
        if raw_id:
            try:
                existing = Food.objects.filter(id=uuid.UUID(str(raw_id))).first()
            except ValueError:
                raise ValidationError({"id": [_("Must be a valid UUID.")]}) from None
            if existing is not None:
                if existing.owner_id != self.user.id:
                    raise ValidationError({"id": [_("This id is already in use.")]})
                return Response(FoodSerializer(existing).data, status=status.HTTP_200_OK)
        serializer = CustomFoodSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        food = add_custom_food(user=self.user, client_id=data.pop("id", None), **data)
        return Response(FoodSerializer(food).data, status=status.HTTP_201_CREATED)
