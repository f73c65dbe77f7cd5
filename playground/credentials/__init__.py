"""Credential sources, resolution, format checks and live checks.

``resolve_credentials`` answers "which key, from where, shadowing what, and is it plausible"
without the network; ``check_live`` / ``check_all`` make one cheap authenticated call each.
"""

from playground.credentials.format_check import check_format
from playground.credentials.live import LiveTarget, auth_headers, check_all, check_live
from playground.credentials.resolve import resolve_credentials
from playground.credentials.types import CredentialStatus, FormatCheck, LiveResult, ResolvedKey

__all__ = [
    "CredentialStatus",
    "FormatCheck",
    "LiveResult",
    "LiveTarget",
    "ResolvedKey",
    "auth_headers",
    "check_all",
    "check_format",
    "check_live",
    "resolve_credentials",
]
