from rest_framework.pagination import CursorPagination


class TimeCursorPagination(CursorPagination):
    """Newest first, stable under inserts (cursor, not page numbers), with a bounded page size."""

    ordering = "-created_at"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
