"""Every Python and HTTP example of CUDA-Q's "Scaleway Quantum as a Service" page, against the emulator.

The page (``shared/seeds/000_d3444b53a55a3e3f.txt``, the one this project started from) drives
CUDA-Q's built-in C++ ``scaleway`` target with ``cudaq.set_target("scaleway", ...)``, so these
tests use the out-of-process emulator (the C++ helper holds the GIL while it polls). Each test
runs an ordinary Bell kernel (``h``, ``x.ctrl``, ``mz``) as a user of the page writes it, with
nothing adapted to the emulator. The page's two ``nvq++`` (C++) examples need the CUDA-Q
compiler, which the Python wheel does not ship; they are not run here.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from typing import Any

import cudaq
import httpx
import pytest
from seed_page_kernels import kernel, one_qubit

from scaleway_qaas.adapters import cudaq as scw
from scaleway_qaas.core import QaaSClient

SIMULATORS = ("EMU-CUDAQ-H100", "EMU-AER-H100")
QPUS = ("QPU-GARNET-20PQ", "QPU-IBEX-12PQ")


def api(env: dict[str, str]) -> QaaSClient:
    return QaaSClient(url=env["SCW_API_URL"], secret_key=env["SCW_SECRET_KEY"], project_id=env["SCW_PROJECT_ID"])


def jobs_on(env: dict[str, str], machine: str) -> int:
    """How many jobs the project has run on ``machine`` (0 when the emulator has no such platform)."""
    with api(env) as client:
        platforms = [p for p in client.list_platforms(name=machine) if p.name == machine]
        if not platforms:
            return 0
        sessions = client.list_sessions(platform_id=platforms[0].id)
        return sum(len(client.list_jobs(session_id=s.id)) for s in sessions)


def sessions_with(env: dict[str, str], deduplication_id: str) -> list[Any]:
    with api(env) as client:
        return [s for s in client.list_sessions() if s.deduplication_id == deduplication_id]


def assert_bell(counts: dict[str, int], shots: int) -> None:
    """An ideal simulator: only 00 and 11, each within 6 standard deviations of half the shots."""
    assert set(counts) <= {"00", "11"}, counts
    assert sum(counts.values()) == shots, counts
    assert abs(counts.get("00", 0) - shots / 2) <= 6 * math.sqrt(shots / 4), counts


def assert_noisy_bell(counts: dict[str, int], shots: int) -> None:
    """A noisy QPU: mostly 00 and 11 (at least 80 %), each of them at least 30 % of the shots."""
    assert sum(counts.values()) == shots, counts
    assert counts.get("00", 0) + counts.get("11", 0) >= 0.8 * shots, counts
    assert min(counts.get("00", 0), counts.get("11", 0)) >= 0.3 * shots, counts


# --- "Setting Credentials" and "Submission from Python" ---------------------------------------


def test_credentials_from_environment_variables(native_env: dict[str, str]) -> None:
    """``export SCW_SECRET_KEY/SCW_PROJECT_ID`` then ``cudaq.set_target("scaleway")``: EMU-CUDAQ-H100, 1000 shots."""
    before = jobs_on(native_env, "EMU-CUDAQ-H100")
    cudaq.set_target("scaleway")
    result = cudaq.sample(kernel)
    assert result.get_total_shots() == 1000  # "The default value is 1000"
    assert_bell(dict(result.items()), 1000)
    assert jobs_on(native_env, "EMU-CUDAQ-H100") == before + 1  # "By default ... EMU-CUDAQ-H100"


def test_credentials_as_arguments(native_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """``cudaq.set_target("scaleway", project_id=..., secret_key=...)`` with no credential in the environment."""
    monkeypatch.delenv("SCW_SECRET_KEY")
    monkeypatch.delenv("SCW_PROJECT_ID")
    cudaq.set_target("scaleway", project_id=native_env["SCW_PROJECT_ID"], secret_key=native_env["SCW_SECRET_KEY"])
    assert_bell(dict(cudaq.sample(kernel, shots_count=400).items()), 400)


@pytest.mark.parametrize("machine", SIMULATORS + QPUS)
def test_each_machine_the_page_names(native_env: dict[str, str], machine: str) -> None:
    """``cudaq.set_target("scaleway", machine=machine)`` for each machine of the page's comment block."""
    before = jobs_on(native_env, machine)
    cudaq.set_target("scaleway", machine=machine)
    counts = dict(cudaq.sample(kernel).items())
    if machine in QPUS:
        assert_noisy_bell(counts, 1000)
    else:
        assert_bell(counts, 1000)
    assert jobs_on(native_env, machine) == before + 1


def test_deduplication_id_reuses_one_session(native_env: dict[str, str]) -> None:
    """The same ``deduplication_id`` from two "script executions" lands in one session."""
    for _ in range(2):
        cudaq.set_target("scaleway", machine="EMU-CUDAQ-H100", deduplication_id="my-workshop")
        assert_bell(dict(cudaq.sample(kernel, shots_count=200).items()), 200)
        cudaq.reset_target()  # the next "script" starts from scratch
    sessions = sessions_with(native_env, "my-workshop")
    assert len(sessions) == 1, sessions
    with api(native_env) as client:
        assert len(client.list_jobs(session_id=sessions[0].id)) == 2
        assert client.get_platform(sessions[0].platform_id).name == "EMU-CUDAQ-H100"


def test_max_duration_and_max_idle_duration(native_env: dict[str, str]) -> None:
    """``max_duration="30m", max_idle_duration="5min"`` bound the session: 1800 s and 300 s."""
    cudaq.set_target(
        "scaleway",
        machine="EMU-CUDAQ-H100",
        max_duration="30m",
        max_idle_duration="5min",
        deduplication_id="seed-page-durations",
    )
    assert_bell(dict(cudaq.sample(kernel, shots_count=200).items()), 200)
    [session] = sessions_with(native_env, "seed-page-durations")
    assert (session.max_duration, session.max_idle_duration) == ("1800s", "300s")


def test_the_page_durations_through_the_package_set_target(native_env: dict[str, str]) -> None:
    """The same example through ``scaleway_qaas.adapters.cudaq.set_target``: the package accepts the page's forms."""
    scw.set_target(
        machine="EMU-CUDAQ-H100",
        max_duration="30m",
        max_idle_duration="5min",
        deduplication_id="seed-page-durations-package",
    )
    assert_bell(dict(cudaq.sample(kernel, shots_count=200).items()), 200)
    [session] = sessions_with(native_env, "seed-page-durations-package")
    assert (session.max_duration, session.max_idle_duration) == ("1800s", "300s")


def test_shots_count(native_env: dict[str, str]) -> None:
    """``result = cudaq.sample(kernel, shots_count=100)``."""
    cudaq.set_target("scaleway")
    result = cudaq.sample(kernel, shots_count=100)
    assert result.get_total_shots() == 100
    assert_bell(dict(result.items()), 100)


def test_a_kernel_on_one_qubit(native_env: dict[str, str]) -> None:
    """CUDA-Q emits ``measure var0[0] -> var2[0];`` for one ``cudaq.qubit()``: the platforms accept it."""
    cudaq.set_target("scaleway")
    counts = dict(cudaq.sample(one_qubit, shots_count=400).items())
    assert set(counts) <= {"0", "1"} and sum(counts.values()) == 400, counts
    assert abs(counts.get("0", 0) - 200) <= 6 * math.sqrt(100), counts


# --- the curl recipe: list the sessions, terminate one ------------------------------------------


def http(method: str, url: str, secret_key: str, body: str | None = None) -> tuple[int, Any]:
    """The page's curl command (real curl when installed, else the same request with httpx)."""
    curl = shutil.which("curl")
    if curl is None:
        headers = {"X-Auth-Token": secret_key}
        if body is not None:
            headers["Content-Type"] = "application/json"
        response = httpx.request(method, url, headers=headers, content=body, timeout=30)
        return response.status_code, response.json()
    command = [curl, "-sS", "-X", method, "-H", f"X-Auth-Token: {secret_key}"]
    if body is not None:
        command += ["-H", "Content-Type: application/json", "-d", body]
    command += ["-w", "\n%{http_code}", url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout
    text, _, status = out.rpartition("\n")
    return int(status), json.loads(text)


def test_curl_recipe_lists_and_terminates_a_session(native_env: dict[str, str]) -> None:
    cudaq.set_target("scaleway", machine="EMU-CUDAQ-H100", deduplication_id="seed-page-curl")
    assert_bell(dict(cudaq.sample(kernel, shots_count=100).items()), 100)
    base, key = native_env["SCW_API_URL"] + "/qaas/v1alpha1", native_env["SCW_SECRET_KEY"]

    # List active sessions
    status, listed = http("GET", f"{base}/sessions?project_id={native_env['SCW_PROJECT_ID']}", key)
    assert status == 200, listed
    [mine] = [s for s in listed["sessions"] if s["deduplication_id"] == "seed-page-curl"]
    assert mine["status"] in ("starting", "running")

    # Terminate the session
    status, terminated = http("POST", f"{base}/sessions/{mine['id']}/terminate", key, body="{}")
    assert status == 200, terminated
    assert terminated["id"] == mine["id"] and terminated["status"] in ("stopping", "stopped")
    status, read = http("GET", f"{base}/sessions/{mine['id']}", key)
    assert status == 200 and read["status"] in ("stopping", "stopped"), read
