from typing import Any

from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.request import Request


class DownloadNegotiation(BaseContentNegotiation):
    """For views whose body is a file (a PDF report, an export) whatever the Accept header
    says, with errors rendered as JSON. The project's only renderer is JSON, so DRF's default
    negotiation would answer a browser's ``Accept: application/pdf`` (or a FHIR client's
    ``application/fhir+json``) with a 406 before the view ran, and its ``?format=`` override
    would turn ``me/export/?format=csv`` into a 404."""

    def select_parser(self, request: Request, parsers: Any) -> Any:
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(
        self, request: Request, renderers: Any, format_suffix: str | None = None
    ) -> tuple[Any, str]:
        return renderers[0], renderers[0].media_type
