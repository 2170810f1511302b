"""``sample``, ``sample_async`` and ``sample_batch`` through the core: kernel -> OpenQASM 2 -> platform -> counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import cudaq

from ...core import ExperimentResult, ResultFuture
from .cache import to_circuit
from .results import to_sample_result
from .submission import check_options, program, submit, where


def _as_tuple(args: Any) -> tuple[Any, ...]:
    return args if isinstance(args, tuple) else (args,)


def sample_async(
    kernel: Any, *args: Any, shots_count: int = 1000, machine: str | None = None, **options: Any
) -> ResultFuture[cudaq.SampleResult]:
    """Submit ``kernel(*args)`` and return at once; ``.get()`` (or ``await``) gives a ``cudaq.SampleResult``.

    ``machine``: platform name (default ``EMU-CUDAQ-H100``). ``options``:

    * connection: ``client`` (a core ``QaaSClient``), or ``secret_key``, ``project_id``, ``url``,
      ``profile`` (else ``SCW_*`` / Scaleway config file);
    * session: ``session`` (a core ``Session``), ``session_id``, or the options of a managed session
      ``deduplication_id``, ``max_duration``, ``max_idle_duration``, ``name`` (without any: the
      process's implicit session);
    * ``max_cost`` (EUR: refused before anything is billed if the estimate exceeds it);
    * ``run_options``: a dict passed to the platform (e.g. Aer's ``method``, QPerfect's ``bonddim``);
    * ``resume``, ``label``: reattach to the jobs of a run that never delivered (``docs/resume.md``).
    """
    check_options(options)
    circuit = to_circuit(kernel, args)
    target = where(machine, options)
    return submit(
        target, [program(target.platform, circuit)], shots_count, circuit.num_qubits,
        lambda results: to_sample_result(results[0]),
    )  # fmt: skip


def sample(
    kernel: Any, *args: Any, shots_count: int = 1000, machine: str | None = None, **options: Any
) -> cudaq.SampleResult:
    """Run ``kernel(*args)`` on a Scaleway platform; counts keyed as ``cudaq.sample`` (qubit 0 leftmost).

    Options: see :func:`sample_async`."""
    return sample_async(kernel, *args, shots_count=shots_count, machine=machine, **options).get()


def sample_batch_async(
    kernel: Any, args_list: Iterable[Any], *, shots_count: int = 1000, machine: str | None = None, **options: Any
) -> ResultFuture[list[cudaq.SampleResult]]:
    """Submit one program per argument set in ONE core submission (split by the platform's circuit limit)."""
    check_options(options)
    circuits = [to_circuit(kernel, _as_tuple(args)) for args in args_list]
    target = where(machine, options)

    def convert(results: Sequence[ExperimentResult]) -> list[cudaq.SampleResult]:
        return [to_sample_result(r) for r in results]

    programs = [program(target.platform, c) for c in circuits]
    return submit(target, programs, shots_count, max((c.num_qubits for c in circuits), default=0), convert)


def sample_batch(
    kernel: Any, args_list: Iterable[Any], *, shots_count: int = 1000, machine: str | None = None, **options: Any
) -> list[cudaq.SampleResult]:
    """``sample`` for many argument sets at once (each item: a tuple of arguments; anything else is one argument)."""
    return sample_batch_async(kernel, args_list, shots_count=shots_count, machine=machine, **options).get()
