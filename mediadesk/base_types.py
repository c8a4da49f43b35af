"""Tiny helpers with no dependencies, shared by every layer."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime


def new_id() -> str:
    return str(uuid.uuid4())


def new_token() -> str:
    return secrets.token_hex(16)


def utcnow() -> datetime:
    return datetime.now(UTC)
