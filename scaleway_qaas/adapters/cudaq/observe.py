"""``observe`` / ``observe_async`` through the core: one basis-rotated program per Pauli term, in one run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cudaq

from ...core import ExperimentResult, ResultFuture
from ...errors import InvalidArgumentError
from .cache import to_circuit
from .qasm import basis_rotations
from .results import parity_expectation, to_sample_result
from .submission import check_options, program, submit, where


class ScalewayObserveResult(cudaq.ObserveResult):
    """A ``cudaq.ObserveResult`` whose per-term counts and expectations come from the platform's counts.

    ``expectation()`` is the energy; ``expectation(term)`` and ``counts(term)`` are the measured
    ``<P>`` (without coefficient) and counts of one term's measurement circuit, as in CUDA-Q.
    """

    def __init__(self, energy: float, spin_op: Any, terms: dict[str, tuple[float, cudaq.SampleResult]]) -> None:
        super().__init__(energy, spin_op, cudaq.SampleResult())
        self._energy = energy
        self._terms = terms

    def _term(self, term: Any) -> tuple[float, cudaq.SampleResult]:
        key = _term_id(term)
        if key not in self._terms:
            if _is_identity(term):
                return 1.0, cudaq.SampleResult()
            raise KeyError(f"term {key!r} is not in the observed operator (terms: {sorted(self._terms)})")
        return self._terms[key]

    def expectation(self, term: Any = None) -> float:
        return self._energy if term is None else self._term(term)[0]

    def counts(self, term: Any = None) -> cudaq.SampleResult:
        """Counts of one term's circuit (``counts()`` without a term: an empty result, no joint counts exist)."""
        return cudaq.SampleResult() if term is None else self._term(term)[1]

    @property
    def term_counts(self) -> dict[str, cudaq.SampleResult]:
        """Counts of every measured term, keyed by term id (e.g. ``"X0X1"``)."""
        return {key: value[1] for key, value in self._terms.items()}


def _terms_of(spin_op: Any) -> list[Any]:
    try:
        return [spin_op] if isinstance(spin_op, cudaq.SpinOperatorTerm) else list(spin_op)
    except TypeError as exc:
        raise InvalidArgumentError(f"expected a cudaq spin operator, got {type(spin_op).__name__}") from exc


def _term_id(term: Any) -> str:
    if isinstance(term, cudaq.SpinOperator):
        terms = list(term)
        if len(terms) != 1:
            raise InvalidArgumentError("pass a single term to expectation()/counts()")
        term = terms[0]
    return str(term.term_id)


def _is_identity(term: Any) -> bool:
    return all(t.is_identity() for t in _terms_of(term))


def observe_async(
    kernel: Any, spin_op: Any, *args: Any, shots_count: int = 1000, machine: str | None = None, **options: Any
) -> ResultFuture[ScalewayObserveResult]:
    """Submit one measurement circuit per non-identity term (all in one core submission); ``.get()`` the result.

    Options: see :func:`~.sample.sample_async`."""
    check_options(options)
    circuit = to_circuit(kernel, args)
    constant = 0.0
    measured: list[tuple[str, float]] = []  # (term id, coefficient)
    rotated: list[tuple[list[str], list[int]]] = []  # (basis rotations, measured qubits)
    for term in _terms_of(spin_op):
        coefficient = complex(term.evaluate_coefficient())
        if abs(coefficient.imag) > 1e-12:
            raise InvalidArgumentError(f"term {term} has a complex coefficient: the operator is not Hermitian")
        if term.is_identity():
            constant += coefficient.real
            continue
        qubits = sorted(int(q) for q in term.degrees)
        if qubits[-1] >= circuit.num_qubits:
            raise InvalidArgumentError(
                f"term {term.term_id} acts on qubit {qubits[-1]} but the kernel has {circuit.num_qubits} qubits"
            )
        word = term.get_pauli_word(circuit.num_qubits)
        measured.append((str(term.term_id), coefficient.real))
        rotated.append((basis_rotations(circuit, word), qubits))

    def convert(results: Sequence[ExperimentResult]) -> ScalewayObserveResult:
        terms: dict[str, tuple[float, cudaq.SampleResult]] = {}
        energy = constant
        for (term_id, coefficient), result in zip(measured, results, strict=True):
            value = parity_expectation(result.counts)
            terms[term_id] = (value, to_sample_result(result))
            energy += coefficient * value
        return ScalewayObserveResult(energy, spin_op, terms)

    if not measured:  # only an identity: nothing to run
        return _ready(convert([]))
    target = where(machine, options)
    programs = [program(target.platform, circuit, rotations, qubits) for rotations, qubits in rotated]
    return submit(target, programs, shots_count, circuit.num_qubits, convert)


def _ready(value: ScalewayObserveResult) -> ResultFuture[ScalewayObserveResult]:
    from concurrent.futures import Future

    done: Future[list[ExperimentResult]] = Future()
    done.set_result([])
    return ResultFuture(done, lambda _: value, lambda: None)


def observe(
    kernel: Any, spin_op: Any, *args: Any, shots_count: int = 1000, machine: str | None = None, **options: Any
) -> ScalewayObserveResult:
    """``<kernel(*args)| spin_op |kernel(*args)>`` estimated from ``shots_count`` shots per term."""
    return observe_async(kernel, spin_op, *args, shots_count=shots_count, machine=machine, **options).get()
