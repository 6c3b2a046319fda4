from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

DEFAULT_PAGE_SIZE = 50
# The most rows one response holds (OWASP API4): a client asking for more gets this many and a
# `next` cursor for the rest, like the food search's `limit`. Clients page with cursors, so a
# smaller page than asked for loses nothing.
MAX_PAGE_SIZE = 200


class TimeCursorPagination(CursorPagination):
    """Newest first, stable under inserts (cursor, not page numbers), with a bounded page size:
    `?page_size=` from 1 to 200 (more is served as 200; not a whole number of at least 1 is a
    400). DRF caps how far a crafted cursor may skip (`offset_cutoff`)."""

    ordering = "-created_at"
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            asked = int(raw)
        except ValueError:
            asked = 0
        if asked < 1:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return min(asked, self.max_page_size)

    def get_ordering(self, request, queryset, view):  # type: ignore[no-untyped-def]
        # Resources order by the instant they are about (eaten_at, given_at, …), or by
        # updated_at while syncing; see OwnedViewSet.pagination_ordering.
        if view is not None and hasattr(view, "pagination_ordering"):
            return view.pagination_ordering()
        return super().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Rows per page, 1 to {self.max_page_size} (default {self.page_size}); "
                    f"more is served as {self.max_page_size}."
                )
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "default": self.page_size,
                }
        return parameters
