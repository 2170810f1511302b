"""What a Cirq circuit needs of its platform (the core's capability table decides), and the resets it can drop."""

from __future__ import annotations

import cirq

from ...core import Feature, PlatformDescription, check_features


def features(circuit: cirq.AbstractCircuit) -> set[Feature]:
    """The capability-table features a (flattened, resolved) circuit uses."""
    used: set[Feature] = set()
    measured: set[cirq.Qid] = set()
    keys: set[str] = set()
    for op in circuit.all_operations():
        if cirq.control_keys(op):
            used.add(Feature.CONDITIONS)
        if isinstance(op.gate, cirq.ResetChannel):
            used.add(Feature.RESET)
        if cirq.is_measurement(op):  # measuring again reads the same value: not a mid-circuit measurement
            measured |= set(op.qubits)
            keys |= {str(k) for k in cirq.measurement_key_names(op)}
        elif measured & set(op.qubits):
            used.add(Feature.MID_CIRCUIT_MEASUREMENT)
    if len(keys) > 1:
        used.add(Feature.REGISTERS)
    return used


def drop_fresh_resets(circuit: cirq.Circuit) -> cirq.Circuit:
    """Remove each reset that comes before anything else on its qubit (a no-op on ``|0>``)."""
    touched: set[cirq.Qid] = set()
    fresh: list[tuple[int, cirq.Operation]] = []
    for index, moment in enumerate(circuit):
        for op in moment:
            if isinstance(op.gate, cirq.ResetChannel) and not touched & set(op.qubits):
                fresh.append((index, op))
            touched |= set(op.qubits)
    if not fresh:
        return circuit
    out = circuit.copy()
    out.batch_remove(fresh)
    return out


def fit(circuit: cirq.Circuit, platform: PlatformDescription) -> cirq.Circuit:
    """The circuit without needless resets; refused before anything is sent if it needs what the platform lacks."""
    out = drop_fresh_resets(circuit)
    check_features(platform, features(out), what="the Cirq circuit")
    return out
