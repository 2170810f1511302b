"""Fixtures of the tests that drive the official Scaleway clients, unchanged, against the local emulator.

The official packages (requirements-official.txt, installed by ``dev.sh setup``) declare Python >= 3.12.
On Python 3.11 one thing stops the client: ``scaleway_qaas_client`` reads
``response.status_code.is_server_error`` / ``.is_client_error``, properties that ``http.HTTPStatus`` only
has from Python 3.12. :func:`add_httpstatus_312_properties` gives the 3.11 runtime those properties (the
same definitions as CPython 3.12: ``lo <= value <= hi``) before any test module imports the client. It
changes the Python runtime, not the client: no client code is patched or mocked, and everything goes over
real HTTP to a real emulator.
"""

from __future__ import annotations

import http
import sys

import pytest

#: ``http.HTTPStatus`` properties added in Python 3.12, with the value range each one tests.
HTTPSTATUS_312_PROPERTIES = {
    "is_informational": (100, 199),
    "is_success": (200, 299),
    "is_redirection": (300, 399),
    "is_client_error": (400, 499),
    "is_server_error": (500, 599),
}


def add_httpstatus_312_properties() -> None:
    """On Python < 3.12, add 3.12's ``HTTPStatus.is_*`` properties (computed from the status value)."""
    if sys.version_info >= (3, 12):
        return
    for name, (lo, hi) in HTTPSTATUS_312_PROPERTIES.items():
        if not hasattr(http.HTTPStatus, name):
            setattr(http.HTTPStatus, name, property(lambda self, lo=lo, hi=hi: lo <= self.value <= hi))


add_httpstatus_312_properties()  # before any test module imports scaleway_qaas_client

AER = "EMU-AER-16C-128M"
QSIM = "EMU-QSIM-16C-128M"


@pytest.fixture
def creds(scw_env: dict[str, str]) -> dict[str, str]:
    """Keyword arguments every official client and plugin takes: the emulator's URL and credentials."""
    return {
        "project_id": scw_env["SCW_PROJECT_ID"],
        "secret_key": scw_env["SCW_SECRET_KEY"],
        "url": scw_env["SCW_API_URL"],
    }
