"""The shared format: wire compatibility with the reference ``qio`` package, decoding, bad payloads."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qio.core import (
    QuantumComputationModel,
    QuantumComputationParameters,
    QuantumProgram,
    QuantumProgramResult,
)
from qio.utils.compression import str_to_zlib, zlib_to_str

from scaleway_qaas.core.codecs import cirq as cirq_codec
from scaleway_qaas.core.codecs import cudaq as cudaq_codec
from scaleway_qaas.core.codecs import decode as decode_result
from scaleway_qaas.core.codecs import qiskit as qiskit_codec
from scaleway_qaas.core.results import ExperimentResult, Register
from scaleway_qaas.core.wire import (
    PROGRAM_LEVEL,
    BackendData,
    Compression,
    ComputationModel,
    ComputationParameters,
    Program,
    ProgramFormat,
    ProgramResult,
    ResultFormat,
    compress,
    decompress,
)
from scaleway_qaas.errors import PayloadError

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)


@given(texts)
def test_compression_matches_qio_both_ways(text):
    assert compress(text) == str_to_zlib(text)
    assert decompress(str_to_zlib(text)) == text
    assert zlib_to_str(compress(text)) == text


@given(texts)
def test_programs_compressed_at_their_level_are_read_by_qio(text):
    """Programs are compressed at ``PROGRAM_LEVEL`` (other bytes than qio's): qio reads the same text."""
    program = Program.from_text(text, ProgramFormat.QASM_V2, Compression.ZLIB_BASE64_V1)
    assert program.serialization == compress(text, PROGRAM_LEVEL)
    assert QuantumProgram.from_json_dict(program.to_dict()).to_qasm2_circuit() == text
    assert zlib_to_str(program.serialization) == text


@given(
    st.lists(
        st.tuples(texts, st.sampled_from(list(ProgramFormat)[1:]), st.sampled_from([1, 2])), min_size=1, max_size=4
    ),
    st.none() | st.text(max_size=20),
    st.none() | st.text(min_size=1, max_size=10),
)
def test_model_json_is_byte_identical_to_qio(programs, user_agent, backend):
    ours = ComputationModel(
        tuple(Program.from_text(t, f, Compression(c)) for t, f, c in programs),
        backend=BackendData(backend) if backend else None,
        client=user_agent,
    )
    text = ours.to_json()
    theirs = QuantumComputationModel.from_json_str(text)
    assert theirs.to_json_str() == text
    assert ComputationModel.from_json(theirs.to_json_str()) == ours
    assert [QuantumProgram.from_json_dict(p.to_dict()).to_json_str() for p in ours.programs] == [
        p.to_json() for p in ours.programs
    ]


@given(st.integers(min_value=1, max_value=10**6), st.none() | st.dictionaries(st.text(max_size=5), st.integers()))
def test_parameters_json_is_byte_identical_to_qio(shots, options):
    text = ComputationParameters(shots, options).to_json()
    assert QuantumComputationParameters(shots=shots, options=options).to_json_str() == text
    assert ComputationParameters.from_json(text) == ComputationParameters(shots, options)


bitstrings = st.integers(min_value=1, max_value=6).flatmap(
    lambda n: st.lists(st.text(alphabet="01", min_size=n, max_size=n), min_size=1, max_size=40)
)


def _experiment(memory: list[str], split: int = 1) -> ExperimentResult:
    n = len(memory[0])
    registers = (Register("a", min(split, n)),) + ((Register("b", n - split),) if n > split else ())
    counts: dict[str, int] = {}
    for shot in memory:
        counts[shot] = counts.get(shot, 0) + 1
    return ExperimentResult(counts=counts, registers=registers, memory=tuple(memory))


@settings(max_examples=60)
@given(bitstrings)
def test_every_result_format_round_trips(memory):
    exp = _experiment(memory)
    for fmt, doc in (
        (ResultFormat.QISKIT_RESULT_JSON_V1, qiskit_codec.encode([exp], backend_name="aer")),
        (ResultFormat.CIRQ_RESULT_JSON_V1, cirq_codec.encode(exp)),
    ):
        for compression in (Compression.NONE, Compression.ZLIB_BASE64_V1):
            (back,) = decode_result(ProgramResult.encode(fmt, doc, compression))
            assert back.counts == exp.counts and back.memory == exp.memory and back.registers == exp.registers
    (cudaq_back,) = decode_result(
        ProgramResult.encode(ResultFormat.CUDAQ_SAMPLE_RESULT_JSON_V1, cudaq_codec.encode(exp))
    )
    assert cudaq_back.counts == exp.counts


@settings(max_examples=30)
@given(bitstrings)
def test_qio_reads_our_results_with_the_same_counts(memory):
    exp = _experiment(memory)
    payload = ProgramResult.encode(
        ResultFormat.QISKIT_RESULT_JSON_V1, qiskit_codec.encode([exp], backend_name="aer"), Compression.ZLIB_BASE64_V1
    )
    qiskit_result = QuantumProgramResult.from_json_str(payload.to_json()).to_qiskit_result()
    # qiskit keys: classical bit 0 rightmost, registers separated by spaces
    theirs = {k.replace(" ", "")[::-1]: v for k, v in qiskit_result.get_counts().items()}
    assert theirs == exp.counts


def test_qiskit_hex_keys_and_registers_decode_in_classical_bit_order():
    # X on qubit 0 measured into a[0]; a has 2 bits, b has 1: qiskit key "0 01", hex 0x1
    doc = {
        "results": [
            {
                "success": True,
                "header": {"creg_sizes": [["a", 2], ["b", 1]], "memory_slots": 3, "n_qubits": 3, "name": "c"},
                "data": {"counts": {"0x1": 10}},
            }
        ]
    }
    (exp,) = decode_result(ProgramResult.encode(ResultFormat.QISKIT_RESULT_JSON_V1, doc))
    assert exp.counts == {"100": 10}
    assert exp.register_counts("a") == {"10": 10} and exp.register_counts("b") == {"0": 10}


def test_cudaq_document_layout():
    exp = ExperimentResult(counts={"100": 7, "011": 3})
    assert cudaq_codec.encode(exp) == [10, *map(ord, "__global__"), 2, 4, 3, 7, 3, 3, 3]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"serialization": "x"}', "serialization_format"),
        ('{"serialization_format": 99, "serialization": "x"}', "unknown job result format"),
        ('{"serialization_format": 2, "compression_format": 2, "serialization": "%%%"}', "corrupt"),
        ('{"serialization_format": 2, "compression_format": 1, "serialization": "{\\"results\\": 5}"}', "malformed"),
        ('{"serialization_format": 0, "compression_format": 1, "serialization": "{}"}', "unsupported result format"),
        ('{"serialization_format": 3, "compression_format": 1, "serialization": "[10, 95, 95]"}', "CUDAQ"),
        ('{"serialization_format": 2, "compression_format": 7, "serialization": "{}"}', "compression"),
    ],
)
def test_corrupt_results_raise_payload_errors(text, match):
    with pytest.raises(PayloadError, match=match):
        decode_result(ProgramResult.from_json(text))


def test_truncated_compressed_result_is_a_payload_error():
    good = compress(json.dumps({"results": []}))
    with pytest.raises(PayloadError, match="corrupt"):
        decompress(good[: len(good) // 2])


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('{"programs": []}', "empty"),
        ('{"programs": [1]}', "JSON object"),
        ("{}", "programs"),
        ('{"programs": [{"serialization_format": 2}]}', "serialization"),
    ],
)
def test_bad_models_raise(text, match):
    with pytest.raises(PayloadError, match=match):
        ComputationModel.from_json(text)


@pytest.mark.parametrize(
    "text", ['{"shots": "10"}', '{"shots": true}', '{"options": {}}', '{"shots": 1, "options": 3}']
)
def test_bad_parameters_raise(text):
    with pytest.raises(PayloadError):
        ComputationParameters.from_json(text)
