import re
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.foods import CustomFoodSerializer, FoodListSerializer, FoodSerializer
from tracker.api.permissions import DisclaimerAccepted
from tracker.api.resources import client_sent_id, replayed_row
from tracker.api.throttles import CreateQuotaThrottle
from tracker.models import Food, User
from tracker.queries.foods import search_foods
from tracker.services.foods_custom import add_custom_food

MAX_QUERY_LENGTH = 100
DEFAULT_LIMIT = 25
MAX_LIMIT = 50
BARCODE = re.compile(r"\d{8,14}")


class FoodViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The food catalogue (USDA FoodData Central) plus the person's own label foods."""

    serializer_class = FoodSerializer
    pagination_class = None
    permission_classes = [IsAuthenticated, DisclaimerAccepted]
    throttle_classes = [CreateQuotaThrottle]  # custom foods (create) only

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
        if barcode and not BARCODE.fullmatch(barcode):
            raise ValidationError({"barcode": [_("A barcode is 8 to 14 digits (EAN/UPC).")]})
        if barcode:
            foods = list(self.get_queryset().filter(barcode=barcode)[:limit])
        else:
            foods = list(search_foods(user=self.user, query=query, limit=limit))
        return Response({"results": FoodSerializer(foods, many=True).data})

    @extend_schema(
        request=CustomFoodSerializer, responses={200: FoodSerializer, 201: FoodSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        client_id = client_sent_id(request)
        own_foods = Food.objects.filter(owner=self.user)
        if client_id is not None:
            replay = replayed_row(Food, own_foods, client_id)
            if replay is not None:
                return Response(FoodSerializer(replay).data, status=status.HTTP_200_OK)
        serializer = CustomFoodSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("id", None)
        try:
            with transaction.atomic():
                food = add_custom_food(user=self.user, client_id=client_id, **data)
        except IntegrityError:
            # The same create raced in twice: the other request stored it first.
            replay = replayed_row(Food, own_foods, client_id) if client_id else None
            if replay is None:
                raise
            return Response(FoodSerializer(replay).data, status=status.HTTP_200_OK)
        return Response(FoodSerializer(food).data, status=status.HTTP_201_CREATED)
