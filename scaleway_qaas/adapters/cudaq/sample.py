"""``sample``, ``sample_async`` and ``sample_batch`` through the core: kernel -> OpenQASM 2 -> platform -> counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import cudaq

from ...core.payload import ExperimentResult
from .backend import ScalewayFuture, check_native_gates, run_async, session_for, split_options
from .convert import to_circuit, to_sample_result


def _as_tuple(args: Any) -> tuple[Any, ...]:
    return args if isinstance(args, tuple) else (args,)


def sample_async(
    kernel: Any, *args: Any, shots_count: int = 1000, machine: str | None = None, **options: Any
) -> ScalewayFuture[cudaq.SampleResult]:
    """Submit ``kernel(*args)`` and return at once; ``.get()`` (or ``await``) gives a ``cudaq.SampleResult``.

    ``machine``: platform name (default ``EMU-CUDAQ-H100``). ``options``: ``secret_key``, ``project_id``,
    ``url``, ``profile`` (else ``SCW_*`` / Scaleway config file), ``session`` (a core ``Session``), or
    session options ``deduplication_id``, ``max_duration``, ``max_idle_duration``, ``name`` (a session is
    opened for them and reused; without them the process's implicit session is used).
    """
    split_options(options)
    circuit = to_circuit(kernel, args)
    session = session_for(machine, **options)
    check_native_gates(session.platform, [circuit])
    return run_async(
        session, [circuit.program()], shots_count, circuit.num_qubits,
        lambda results: to_sample_result(results[0]),
    )


def sample(kernel: Any, *args: Any, shots_count: int = 1000, machine: str | None = None,
           **options: Any) -> cudaq.SampleResult:
    """Run ``kernel(*args)`` on a Scaleway platform; counts keyed as ``cudaq.sample`` (qubit 0 leftmost)."""
    return sample_async(kernel, *args, shots_count=shots_count, machine=machine, **options).get()


def sample_batch_async(
    kernel: Any, args_list: Iterable[Any], *, shots_count: int = 1000, machine: str | None = None, **options: Any
) -> ScalewayFuture[list[cudaq.SampleResult]]:
    """Submit one program per argument set in ONE core run (split by the platform's circuit limit)."""
    split_options(options)
    circuits = [to_circuit(kernel, _as_tuple(args)) for args in args_list]
    session = session_for(machine, **options)
    check_native_gates(session.platform, circuits)

    def convert(results: Sequence[ExperimentResult]) -> list[cudaq.SampleResult]:
        return [to_sample_result(r) for r in results]

    return run_async(
        session, [c.program() for c in circuits], shots_count, max((c.num_qubits for c in circuits), default=0),
        convert,
    )


def sample_batch(kernel: Any, args_list: Iterable[Any], *, shots_count: int = 1000, machine: str | None = None,
                 **options: Any) -> list[cudaq.SampleResult]:
    """``sample`` for many argument sets at once (each item: a tuple of arguments; anything else is one argument)."""
    return sample_batch_async(kernel, args_list, shots_count=shots_count, machine=machine, **options).get()
