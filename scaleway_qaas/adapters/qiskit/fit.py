"""Make a circuit fit its platform before export, or say what does not fit (the core's capability table decides).

High-level instructions that the program formats carry only as gate bodies (``initialize`` with its
resets, ``UnitaryGate``, ``PauliEvolutionGate``, ``mcx``...) are decomposed into the gates every format
the platform reads carries by name (:data:`~scaleway_qaas.core.capabilities.FORMAT_GATES`, plus the
platform's published native gates); a reset of a qubit still in ``|0>`` is dropped, and so are delays on
simulators (OpenQASM 2 carries a delay only as an opaque gate, which Cirq's reader refuses). All keep the
circuit's meaning. What still needs a feature the family cannot run is refused by the core.
"""

from __future__ import annotations

from qiskit import QuantumCircuit, transpile
from qiskit.circuit import ControlFlowOp, ForLoopOp, WhileLoopOp
from qiskit.circuit.library import get_standard_gate_name_mapping
from qiskit.transpiler.passes import RemoveResetInZeroState

from ...core import CAPABILITIES, FORMAT_GATES, FORMAT_INSTRUCTIONS, Feature, PlatformDescription, check_features

#: control flow Qiskit's transpiler takes as basis names; break/continue live inside loops
_FLOW_BASIS = frozenset({"if_else", "switch_case", "for_loop", "while_loop"})
_CONTROL_FLOW = _FLOW_BASIS | {"break_loop", "continue_loop", "box"}
#: what a circuit without control flow or reset may use beyond gates
_PLAIN = frozenset({Feature.MID_CIRCUIT_MEASUREMENT, Feature.REGISTERS})
#: instructions exported as they are whatever the format (a delay is dropped by exporters that cannot write it)
_KEPT = FORMAT_INSTRUCTIONS | _CONTROL_FLOW | {"delay"}


def basis(platform: PlatformDescription) -> frozenset[str]:
    """The gates every format the platform reads carries by name, and its native gates."""
    sets = [FORMAT_GATES[f] for f in platform.program_formats if f in FORMAT_GATES]
    gates = frozenset.intersection(*sets) if sets else frozenset()
    return gates | frozenset(platform.native_gates or ())


def _names(circuit: QuantumCircuit) -> set[str]:
    """Every instruction name, control-flow bodies included (``count_ops`` is cheap: sweeps call this per point)."""
    out = set(circuit.count_ops())
    if out & _CONTROL_FLOW:
        for inst in circuit.data:
            if isinstance(inst.operation, ControlFlowOp):
                for block in inst.operation.blocks:
                    out |= _names(block)
    return out


def _without_delays(circuit: QuantumCircuit) -> QuantumCircuit:
    out = circuit.copy_empty_like()
    for inst in circuit.data:
        if inst.operation.name != "delay":
            out.append(inst)
    return out


def features(circuit: QuantumCircuit) -> set[Feature]:
    """The capability-table features a circuit uses."""
    used: set[Feature] = set()
    if len(circuit.cregs) > 1:
        used.add(Feature.REGISTERS)
    measured: set[int] = set()
    for inst in circuit.data:
        op = inst.operation
        qubits = {circuit.find_bit(q).index for q in inst.qubits}
        if isinstance(op, (ForLoopOp, WhileLoopOp)):
            used.add(Feature.LOOPS)
        elif isinstance(op, ControlFlowOp):
            used.add(Feature.CONDITIONS)
        if op.name == "reset":
            used.add(Feature.RESET)
        if op.name not in ("measure", "barrier", "delay") and qubits & measured:
            used.add(Feature.MID_CIRCUIT_MEASUREMENT)
        if op.name == "measure":  # measuring again reads the same value: not a mid-circuit measurement
            measured |= qubits
        elif isinstance(op, ControlFlowOp) and measured:
            used.add(Feature.MID_CIRCUIT_MEASUREMENT)
    return used


def fit(circuit: QuantumCircuit, platform: PlatformDescription) -> QuantumCircuit:
    """The circuit in gates the platform's formats carry, without needless resets; refused (before anything
    is sent) if it still uses a feature the platform cannot run."""
    names = _names(circuit)
    gates = basis(platform)
    out = circuit
    if names - gates - _KEPT:
        standard = set(get_standard_gate_name_mapping()) | _FLOW_BASIS  # the names transpile takes
        target = (gates | FORMAT_INSTRUCTIONS | (names & (_FLOW_BASIS | {"delay"}))) & standard
        out = transpile(circuit, basis_gates=sorted(target), optimization_level=0)
        out.name, out.metadata = circuit.name, circuit.metadata
        names = _names(out)
    if "delay" in names and platform.is_simulator:  # no time passes in a simulator: drop them
        out = _without_delays(out)
        out.name, out.metadata = circuit.name, circuit.metadata
    if "reset" in names:
        out = RemoveResetInZeroState()(out)
        out.name, out.metadata = circuit.name, circuit.metadata
    supported = CAPABILITIES.get(platform.family, frozenset())
    if names & (_CONTROL_FLOW | {"reset"}) or not supported >= _PLAIN:  # else nothing to refuse: skip the scan
        check_features(platform, features(out), what=f"circuit '{circuit.name}'")
    return out
