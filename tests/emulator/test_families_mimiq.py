"""QPerfect's MIMIQ: the result codec (round trip, bit order, shape) and the emulated platform's options."""

from __future__ import annotations

import json

import pytest

from scaleway_qaas.core.codecs import mimiq
from scaleway_qaas.core.errors import PayloadError
from scaleway_qaas.core.results import ExperimentResult, Register
from scaleway_qaas.core.wire import (
    ComputationModel,
    ComputationParameters,
    Program,
    ProgramFormat,
    ProgramResult,
    ResultFormat,
)
from scaleway_qaas.emulator.families import ExecutionError
from scaleway_qaas.emulator.platforms import BY_NAME
from scaleway_qaas.emulator.simulators import _execute

from .test_families import ASYMMETRIC_QASM2, run

NAME = "EMU-QUANTANIUM-16C-128M"


def test_round_trip_keeps_counts_and_bit_order() -> None:
    experiment = ExperimentResult(counts={"100": 30, "111": 70}, registers=(Register("c", 3),))
    document = mimiq.encode(experiment, version="1.0.0")
    assert json.loads(json.dumps(document)) == document
    assert mimiq.decode(document) == [experiment]
    assert document["histogram"] == {"100": 30, "111": 70}  # bit 0 leftmost, no reversal, no hex


#: exactly the keys qio 0.2.8's ``mimiq_to_dict`` writes from a ``QCSResults`` (attributes MIMIQ's class
#: lacks are ``None``; ``histogram`` is ``{BitString.to01(): count}``)
QIO_DOCUMENT = {
    "simulator": "MIMIQ-MPS", "version": "0.18.3", "timings": {"total": 0.0013}, "fidelity_estimate": None,
    "average_multi_qubit_gate_error_estimate": None, "executions": None, "samples": None, "amplitudes": {},
    "histogram": {"100": 7, "110": 3},
}  # fmt: skip


def test_decode_reads_the_released_qio_document() -> None:
    (exp,) = mimiq.decode(QIO_DOCUMENT)
    assert exp.counts == {"100": 7, "110": 3} and exp.shots == 10
    assert exp.registers == (Register("c", 3),) and exp.register_counts("c") == {"100": 7, "110": 3}


def test_qios_own_qiskit_reading_reverses_mimiqs_bits() -> None:
    """The disagreement, shown with qio itself: its ``mimiq_to_qiskit`` hands "100" (clbit 0 set, MIMIQ's
    order) to Qiskit, which reads it as clbit 2. We read it as clbit 0 (core/codecs/mimiq.py says why)."""
    from qio.utils.conversion.program_result.mimiq_to_qiskit import convert

    assert convert({"histogram": {"100": 5}}).get_counts() == {"100": 5}  # Qiskit's key: clbit 2 set
    (ours,) = mimiq.decode({"histogram": {"100": 5}})
    assert ours.counts == {"100": 5} and ours.memory is None  # neutral: clbit 0 first; Qiskit's "001"


def test_decode_reads_the_qiskit_shaped_document_without_registers() -> None:
    """The shape of qio's ``485-quantanium`` branch: no ``creg_sizes``, a fixed experiment name."""
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
        {"histogram": {"0x3": 1}},
        {"histogram": {"01": 1, "1": 1}},
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
    assert set(document) == set(QIO_DOCUMENT)  # the released qio's shape
    counts = document["histogram"]
    assert set(counts) == {"100", "111"} and sum(counts.values()) == 400
    (again,) = _execute(platform, model, ComputationParameters(400, {"nsamples": 400, "seed": 4}), None)
    assert json.loads(ProgramResult.from_json(again).text())["histogram"] == counts


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
