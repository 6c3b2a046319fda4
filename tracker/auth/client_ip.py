from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address as the lockout sees it, by the same rule as DRF's throttles.

    Behind TRUSTED_PROXY_COUNT proxies, X-Forwarded-For's entry that many places from the
    right was written by our own outermost proxy; anything left of it is whatever the client
    claimed. With no trusted proxy the header is ignored: it would let anyone pick an address.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return str(request.META.get("REMOTE_ADDR", ""))
