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
    token: str  # needed for writes and listings, in both modes
    signing_key: bytes
    generated_token: str | None = None  # serve mode: set when this start created it
    per_run: bool = False  # desktop mode: made at start, held by the app, never saved


def ensure_secrets(settings: Settings, headless: bool) -> ServerSecrets:
    """Read the token and signing key from settings; create and save missing ones.

    In ``serve`` mode a generated token is written to ``mediadesk.toml`` (so it
    survives restarts) and returned once in ``generated_token`` for the shell to print.
    The desktop app's server gets a fresh token every start that only the app holds
    (it hands it to its player and to the web page it opens); a configured
    ``server_token`` is not used there, so nothing on disk opens the desktop server.
    """
    updates: dict[str, str] = {}
    token = settings.server_token.get_secret_value() if settings.server_token else None
    generated = None
    if not headless:
        token = secrets.token_urlsafe(32)
    elif not token:
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
        token=token, signing_key=key.encode(), generated_token=generated, per_run=not headless
    )


def token_matches(expected: str, authorization: str | None) -> bool:
    if not authorization:
        return False
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode(), expected.encode())
