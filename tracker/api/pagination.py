from rest_framework.pagination import CursorPagination


class TimeCursorPagination(CursorPagination):
    """Newest first, stable under inserts (cursor, not page numbers), with a bounded page size."""

    ordering = "-created_at"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view):  # type: ignore[no-untyped-def]
        # Resources order by the instant they are about (eaten_at, given_at, …), or by
        # updated_at while syncing; see OwnedViewSet.pagination_ordering.
        if view is not None and hasattr(view, "pagination_ordering"):
            return view.pagination_ordering()
        return super().get_ordering(request, queryset, view)
