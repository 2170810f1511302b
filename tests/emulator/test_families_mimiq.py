"""QPerfect's MIMIQ: the result codec (round trip, bit order, shape) and the emulated platform's options."""

from __future__ import annotations

import json

import pytest

from scaleway_qaas.core.codecs import mimiq
from scaleway_qaas.core.errors import PayloadError
from scaleway_qaas.core.payload import (
    ComputationModel,
    ComputationParameters,
    ExperimentResult,
    Program,
    ProgramFormat,
    ProgramResult,
    Register,
    ResultFormat,
)
from scaleway_qaas.emulator.families import ExecutionError
from scaleway_qaas.emulator.platforms import BY_NAME
from scaleway_qaas.emulator.simulators import _execute

from .test_families import ASYMMETRIC_QASM2, run

NAME = "EMU-QUANTANIUM-16C-128M"


def test_round_trip_keeps_counts_bit_order_and_names() -> None:
    experiments = [
        ExperimentResult(
            counts={"100": 30, "111": 70}, registers=(Register("c", 3),), name="bell", metadata={"n_qubits": 5}
        ),
        ExperimentResult(counts={"1": 4}, registers=(Register("c", 1),), name="one", metadata={"n_qubits": 1}),
    ]
    document = mimiq.encode(experiments, backend_name="EMU-QUANTANIUM-16C-128M", backend_version="1.0.0")
    assert json.loads(json.dumps(document)) == document
    assert mimiq.decode(document) == experiments
    first = document["results"][0]
    assert first["data"]["counts"] == {"100": 30, "111": 70}  # bit 0 leftmost, no reversal, no hex
    assert first["header"] == {"memory_slots": 3, "name": "bell", "n_qubits": 5}
    assert (first["shots"], first["success"], first["status"], first["meas_level"]) == (100, True, "DONE", 2)
    assert {"backend_name", "backend_version", "qobj_id", "job_id", "success", "results", "date", "status"} <= set(
        document
    )


def test_decode_reads_qios_document_without_registers() -> None:
    """The shape qio's ``mimiq_to_dict`` writes: no ``creg_sizes``, a fixed experiment name."""
    document = {
        "backend_name": "MIMIQ", "backend_version": "0.1", "qobj_id": "j", "job_id": "j", "success": True,
        "date": "2026-01-01T00:00:00", "status": "DONE",
        "results": [{"shots": 3, "success": True, "meas_level": 2, "data": {"counts": {"01": 2, "10": 1}},
                     "status": "DONE", "header": {"memory_slots": 2, "name": "quantanium_circuit", "n_qubits": 2}}],
    }  # fmt: skip
    (exp,) = mimiq.decode(document)
    assert exp.counts == {"01": 2, "10": 1}
    assert exp.registers == (Register("c", 2),) and exp.register_counts("c") == {"01": 2, "10": 1}
    assert exp.name == "quantanium_circuit" and exp.shots == 3


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"results": "x"},
        {"results": [{"data": {"counts": {"0x3": 1}}}]},
        {"results": [{"data": {"counts": {"01": "two"}}}]},
        {"results": [{"data": {"counts": {"01": 1, "1": 1}}}]},
        {"results": [{"success": False, "status": "ERROR", "data": {}}]},
    ],
)
def test_decode_refuses_malformed_documents(document: object) -> None:
    with pytest.raises(PayloadError):
        mimiq.decode(document)


def test_quantanium_answers_in_mimiq_format_with_bit_0_leftmost() -> None:
    platform = BY_NAME[NAME]
    model = ComputationModel(programs=(Program.from_text(ASYMMETRIC_QASM2, ProgramFormat.QASM_V2),))
    (text,) = _execute(platform, model, ComputationParameters(400, {"nsamples": 400, "seed": 4}), None)
    payload = ProgramResult.from_json(text)
    assert payload.serialization_format == ResultFormat.MIMIQ_QCSR_JSON_V1
    document = json.loads(payload.text())
    counts = document["results"][0]["data"]["counts"]
    assert set(counts) == {"100", "111"} and sum(counts.values()) == 400
    assert document["results"][0]["header"]["n_qubits"] == 3
    (again,) = _execute(platform, model, ComputationParameters(400, {"nsamples": 400, "seed": 4}), None)
    assert json.loads(ProgramResult.from_json(again).text())["results"][0]["data"] == document["results"][0]["data"]


def test_quantanium_options() -> None:
    (exp,) = run(NAME, ASYMMETRIC_QASM2, shots=1000, options={"nsamples": 123, "bonddim": 4, "algorithm": "mps"})
    assert exp.shots == 123  # nsamples wins over shots
    options = {"entdim": 16, "timelimit": 10, "bitstrings": ["000"], "qasmincludes": ["qelib1.inc"], "label": "x"}
    (exp,) = run(NAME, ASYMMETRIC_QASM2, shots=50, backend=options)  # accepted, no effect here
    assert exp.shots == 50 and set(exp.counts) == {"100", "111"}
    (exp,) = run(NAME, ASYMMETRIC_QASM2, shots=50, options={"algorithm": "statevector"})
    assert set(exp.counts) == {"100", "111"}
    for bad, match in (
        ({"bonddim": 0}, "bonddim"),
        ({"algorithm": "magic"}, "algorithm"),
        ({"nsamples": 0}, "nsamples"),
    ):
        with pytest.raises(ExecutionError, match=match):
            run(NAME, ASYMMETRIC_QASM2, shots=50, options=bad)


def test_a_low_bond_dimension_truncates_entanglement() -> None:
    """Aer's MPS with bond dimension 1 cannot hold a GHZ state: the option really reaches the simulator."""
    ghz = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[4];\ncreg c[4];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\n'
    ghz += "cx q[2],q[3];\nmeasure q -> c;\n"
    (exact,) = run(NAME, ghz, shots=500)
    assert set(exact.counts) == {"0000", "1111"}
    (truncated,) = run(NAME, ghz, shots=500, options={"bonddim": 1})
    assert set(truncated.counts) != {"0000", "1111"}
