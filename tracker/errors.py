"""Error answers that say what went wrong in general terms and nothing else: no stack, no
request data, no health value. Under ``/api/`` a JSON body in DRF's shape (``{"detail": …}``),
elsewhere a plain page with a link home (templates/400.html, 403, 404, 500).

config/urls.py points Django's handler400/403/404/500 here, so errors raised outside DRF
(an unknown /api/ path, a crash in a view) answer like DRF's own.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def error_response(
    request: HttpRequest,
    status: int,
    message: str,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """A client error other than 403/404 (400, 411, 413, 429) with a message for the person."""
    if is_api(request):
        response: HttpResponse = JsonResponse({"detail": message}, status=status)
    else:
        context = {"title": title or _("This request could not be handled"), "message": message}
        body = loader.render_to_string("400.html", context, request=request)
        response = HttpResponse(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(
        request, 400, _("The request was malformed or too large, and nothing was saved.")
    )


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        detail = _("You do not have permission to perform this action.")
        return JsonResponse({"detail": detail}, status=403)
    return HttpResponse(loader.render_to_string("403.html", request=request), status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return HttpResponse(loader.render_to_string("404.html", request=request), status=404)


@requires_csrf_token
def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    # Rendered without the request: nothing that failed in this request (the session, the
    # database, a context processor) can fail the error page too.
    return HttpResponse(loader.render_to_string("500.html"), status=500)
