"""`manage.py ensure_vapid_keys`: a Web Push (VAPID) key pair for the local server `make run`
starts, so a browser on this machine can subscribe to reminders with no setup.

The pair is generated once into ``var/dev.env`` (owner-only, outside git like the rest of
var/), which `make run` hands to both processes as their environment; later runs keep it, so
existing browser subscriptions stay valid. Production (DJANGO_ENV=production) takes its keys
from the environment only: the command says so and writes nothing.
"""

import base64
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.management.base import BaseCommand

ENV_FILE = "dev.env"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_key_pair() -> tuple[str, str]:
    """(private, public): the raw 32-byte private value and the uncompressed public point,
    base64url, as tracker.notifications.webpush and the browser's pushManager take them."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    public = b64url(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    return private, public


def env_path() -> Path:
    return Path(settings.VAR_DIR) / ENV_FILE


class Command(BaseCommand):
    help = "Create the local Web Push (VAPID) key pair in var/dev.env if there is none."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            self.stdout.write("Production takes VAPID keys from the environment; nothing written.")
            return
        path = env_path()
        existing = path.read_text() if path.exists() else ""
        if "VAPID_PRIVATE_KEY=" in existing and "VAPID_PUBLIC_KEY=" in existing:
            return
        private, public = new_key_pair()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
        path.write_text(existing + f"VAPID_PRIVATE_KEY={private}\nVAPID_PUBLIC_KEY={public}\n")
        self.stdout.write(f"Web Push keys for this machine written to {path}.")
