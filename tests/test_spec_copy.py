"""The vendored OpenAPI description (tests/data) is the official one."""

from __future__ import annotations

from pathlib import Path

import yaml

SPEC = Path(__file__).parent / "data" / "scaleway.qaas.v1alpha1.Api.yml"
SHARED_SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "scaleway.qaas.v1alpha1.Api.yml"


def test_vendored_spec_is_the_shared_one_when_present():
    vendored = SPEC.read_text()
    assert yaml.safe_load(vendored)["info"]["version"] == "v1alpha1"
    if SHARED_SPEC.exists():  # beside the repository in the workplace and in CI: must not have drifted
        assert SHARED_SPEC.read_text() == vendored
