"""Outbound HTTP for all of turnflow: one client that refuses non-public addresses, bounds
the time and the size of every call, and never follows redirects. See docs/security.md.

>>> from turnflow.http import SafeHTTPClient
>>> client = SafeHTTPClient(allow=["localhost"], timeout=5)
"""

from .addresses import ALLOW_SETTING, AllowList, refusal
from .safe_client import (
    AddressRefused,
    CallTimeout,
    HTTPError,
    HTTPResponse,
    SafeHTTPClient,
)

__all__ = [
    "ALLOW_SETTING",
    "AddressRefused",
    "AllowList",
    "CallTimeout",
    "HTTPError",
    "HTTPResponse",
    "SafeHTTPClient",
    "refusal",
]
