"""FastAPI dependencies: the shared state, tokens for writes and listings, rate limits."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from mediadesk.server.auth import token_matches
from mediadesk.server.state import ServerState


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.server
    return state


State = Annotated[ServerState, Depends(get_state)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def check_token(request: Request, state: ServerState) -> None:
    """Only the ``Authorization`` header counts: a browser cannot add it to a
    cross-site request without a CORS preflight, which the desktop server refuses."""
    expected = state.secrets.token
    if not token_matches(expected, request.headers.get("authorization")):
        # Failed guesses cost rate-limit tokens too, so a token cannot be brute-forced.
        if not state.limiter.allow("auth:" + client_address(request)):
            raise HTTPException(429, "too many requests", headers={"Retry-After": "5"})
        raise HTTPException(
            401,
            "this server needs Authorization: Bearer <token>",
            headers={"WWW-Authenticate": "Bearer"},
        )


def require_listing(request: Request, state: State) -> ServerState:
    """Listings and details: the token (serve's, or the desktop app's per-run one)."""
    check_token(request, state)
    return state


def require_write(request: Request, state: State) -> ServerState:
    """Writes: the token, the rate limit, and not while shutting down."""
    check_token(request, state)
    if not state.accepting:
        raise HTTPException(503, "the server is shutting down", headers={"Retry-After": "30"})
    if not state.limiter.allow(client_address(request)):
        raise HTTPException(
            429,
            "too many requests",
            headers={"Retry-After": str(state.limiter.retry_after())},
        )
    return state


Reader = Annotated[ServerState, Depends(require_listing)]
Writer = Annotated[ServerState, Depends(require_write)]
