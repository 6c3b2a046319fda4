"""`make run` gets a local Web Push key pair so a browser here can subscribe with no setup."""

import base64
import stat

from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command

from tracker.management.commands.ensure_vapid_keys import env_path


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def read_env(path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if line)


def test_a_key_pair_is_written_once_owner_only_and_kept(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path

    call_command("ensure_vapid_keys")
    first = read_env(env_path())
    call_command("ensure_vapid_keys")

    assert read_env(env_path()) == first  # subscriptions made with the first key stay valid
    assert stat.S_IMODE(env_path().stat().st_mode) == 0o600
    private = int.from_bytes(unb64(first["VAPID_PRIVATE_KEY"]), "big")
    public = ec.derive_private_key(private, ec.SECP256R1()).public_key()
    point = public.public_numbers()
    expected = b"\x04" + point.x.to_bytes(32, "big") + point.y.to_bytes(32, "big")
    assert unb64(first["VAPID_PUBLIC_KEY"]) == expected  # the pair belongs together


def test_production_takes_its_keys_from_the_environment_only(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    settings.IS_PRODUCTION = True

    call_command("ensure_vapid_keys")

    assert not env_path().exists()
