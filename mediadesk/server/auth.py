"""Bearer tokens for ``serve`` mode, and the keys the server generates on first start."""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass

from mediadesk.settings import Settings, write_settings_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServerSecrets:
    token: str | None  # None: no token needed (desktop mode on loopback)
    signing_key: bytes
    generated_token: str | None = None  # set when this start created the token


def ensure_secrets(settings: Settings, headless: bool) -> ServerSecrets:
    """Read the token and signing key from settings; create and save missing ones.

    A generated token is written to ``mediadesk.toml`` (so it survives restarts) and
    returned once in ``generated_token`` for the shell to print.
    """
    updates: dict[str, str] = {}
    token = settings.server_token.get_secret_value() if settings.server_token else None
    generated = None
    if headless and not token:
        token = generated = secrets.token_urlsafe(32)
        updates["server_token"] = token
    key = settings.server_signing_key.get_secret_value() if settings.server_signing_key else None
    if not key:
        key = secrets.token_urlsafe(32)
        if settings.server_signed_urls:
            updates["server_signing_key"] = key  # signed URLs must outlive a restart
    if updates:
        write_settings_file(settings.home, updates)
        log.info("saved generated server secrets to %s", settings.settings_file)
    return ServerSecrets(
        token=token if headless else None, signing_key=key.encode(), generated_token=generated
    )


def token_matches(expected: str, authorization: str | None) -> bool:
    if not authorization:
        return False
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode(), expected.encode())
