"""Answers the real service may give that our emulator does not (issue 21, section 2).

Each test shapes one plausible answer (mock transports or plain documents) and checks that the
client reads it right; none depends on the emulator's choices.
"""

from __future__ import annotations

import pytest

from scaleway_qaas.core.codecs import qiskit as qiskit_codec


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
