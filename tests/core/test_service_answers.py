"""Answers the real service may give that our emulator does not (issue 21, section 2).

Each test shapes one plausible answer (mock transports or plain documents) and checks that the
client reads it right; none depends on the emulator's choices.
"""

from __future__ import annotations

import httpx
import pytest

from scaleway_qaas.core.client import QaaSClient
from scaleway_qaas.core.codecs import qiskit as qiskit_codec
from scaleway_qaas.core.config import Config
from scaleway_qaas.core.requests import RetryPolicy

FAST = RetryPolicy(max_attempts=3, initial_delay=0.001, max_delay=0.002)


def client_for(handler) -> QaaSClient:
    return QaaSClient(
        Config("SCWSECRETKEY-service-answers-0001", "project-1", "http://127.0.0.1:9"),
        retry=FAST,
        transport=httpx.MockTransport(handler),
    )


def qiskit_document(header: dict, counts: dict[str, int]) -> dict:
    return {"results": [{"success": True, "shots": sum(counts.values()), "header": header, "data": {"counts": counts}}]}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ({"n_qubits": 3}, {"110": 5, "000": 3}),  # what qio's dict_to_qiskit and CUDA-Q's helper read
        ({"memory_slots": 3, "n_qubits": 5}, {"110": 5, "000": 3}),  # memory_slots wins
        ({"creg_sizes": [["c", 3]], "n_qubits": 5}, {"110": 5, "000": 3}),
        ({}, {"11": 5, "00": 3}),  # no width at all: the widest key
    ],
)
def test_hex_counts_take_their_width_from_n_qubits_when_nothing_else_gives_it(header, expected):
    [exp] = qiskit_codec.decode(qiskit_document(header, {"0x3": 5, "0x0": 3}))
    assert exp.counts == expected


@pytest.mark.parametrize("total", ["total_count", "x-total-count", None])
def test_a_server_capping_the_page_size_still_lists_everything(total: str | None) -> None:
    """The gateway may serve fewer items per page than asked (its maximum is unknown): page on the total."""
    platforms = [{"id": f"p{i}", "name": f"P{i}"} for i in range(120)]
    cap = 25
    pages: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), min(int(request.url.params["page_size"]), cap)
        pages.append(page)
        body: dict = {"platforms": platforms[(page - 1) * size : page * size]}
        headers = {}
        if total == "total_count":
            body["total_count"] = len(platforms)
        elif total == "x-total-count":
            headers["X-Total-Count"] = str(len(platforms))
        return httpx.Response(200, json=body, headers=headers)

    listed = client_for(handler).list_platforms()
    if total is None:  # nothing says there is more: a short page ends the list
        assert len(listed) == cap and pages == [1]
    else:
        assert [p.id for p in listed] == [p["id"] for p in platforms]
        assert pages == [1, 2, 3, 4, 5]


def test_a_total_count_that_overstates_ends_on_an_empty_page() -> None:
    """A total larger than what the pages hold (items deleted meanwhile) ends on the first empty page."""
    pages: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        pages.append(page)
        chunk = [{"id": f"p{page}", "name": f"P{page}"}] if page <= 2 else []
        return httpx.Response(200, json={"platforms": chunk, "total_count": 10})

    assert len(client_for(handler).list_platforms()) == 2
    assert pages == [1, 2, 3]
