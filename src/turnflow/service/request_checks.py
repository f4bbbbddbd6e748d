"""Reading requests: bodies within a size limit, JSON objects, the fields every channel
checks; and the errors, answered as JSON (``{"error": "what was wrong"}``)."""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import json_input
from .turns import RequestError

log = logging.getLogger("turnflow.service")


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused (413) past ``limit`` bytes whether or not it says its length."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise RequestError(f"request body over {limit} bytes", 413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestError(f"request body over {limit} bytes", 413)
        chunks.append(chunk)
    return b"".join(chunks)


def text_field(data: dict[str, Any], key: str, max_text: int, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise RequestError(f"field '{key}' is required and must be a string")
    if len(value) > max_text:
        raise RequestError(f"field '{key}' is over {max_text} characters", 413)
    return value


def urn_field(value: Any, key: str = "urn") -> str:
    if not isinstance(value, str) or ":" not in value:
        raise RequestError(f"field '{key}' must be a URN like 'tel:+250788123123' or "
                           "'ext:ana'")
    scheme, _, path = value.partition(":")
    if not scheme or not path or len(value) > 255 or not scheme.isalnum():
        raise RequestError(f"field '{key}': {value[:60]!r} is not a valid URN")
    return value


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """A request body that must be a JSON object, read with turnflow's JSON limits
    (``json_input``: 100 levels, no NaN or Infinity, lone surrogates read as U+FFFD, which
    would fail later when the message is stored as UTF-8) and no NUL characters
    (PostgreSQL's text and JSONB refuse them)."""
    try:
        data = json_input.loads(raw)
    except json_input.JSONInputError as exc:
        message = str(exc).removeprefix("invalid JSON: ").removeprefix("invalid JSON ")
        if "nested more than" in message:
            message = f"nested too deep (more than {json_input.MAX_DEPTH} levels)"
        raise RequestError(f"body is not valid JSON: {message}") from None
    if not isinstance(data, dict):
        raise RequestError("body must be a JSON object")
    if has_nul(data):
        raise RequestError("body can't hold NUL characters (\\u0000)")
    return data


def has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    return False


async def _request_error(request: Request, exc: Exception) -> Response:
    status = exc.status if isinstance(exc, RequestError) else 400
    return JSONResponse({"error": str(exc)}, status_code=status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error on %s", request.url.path, exc_info=exc)
    return JSONResponse({"error": "internal error"}, status_code=500)


ERROR_HANDLERS = {RequestError: _request_error, HTTPException: _http_error,
                  Exception: _server_error}
