"""CUDA-Q on Scaleway QaaS: two paths, one configuration.

* **Native target** (:func:`set_target`): CUDA-Q's built-in C++ ``scaleway`` target, with
  credentials and URL resolved like every adapter (arguments, ``SCW_*``, Scaleway CLI config)
  and durations read by the core's grammar. Unchanged CUDA-Q code
  (``cudaq.sample``/``observe``/``*_async``, also from C++) runs on it.
* **Python path** (:func:`sample`, :func:`sample_async`, :func:`sample_batch`, :func:`observe`,
  :func:`observe_async`): ``cudaq.translate(kernel, format="openqasm2")`` -> core programs ->
  the core's one submission flow (sessions, validation, budget, batching, waiting) ->
  ``cudaq.SampleResult`` / ``cudaq.ObserveResult``; ``*_async`` return the core's ``ResultFuture``.

Modules: :mod:`.kernels` (recognise and translate kernels), :mod:`.qasm` (the translated circuit),
:mod:`.cache` and :mod:`.templates` (translate each kernel as rarely as possible),
:mod:`.submission` (options -> client, platform, session; programs -> core), :mod:`.results`.

>>> from scaleway_qaas.adapters import cudaq as scw       # doctest: +SKIP
>>> scw.sample(bell, shots_count=100)                      # doctest: +SKIP
{ 00:52 11:48 }

Importing this module imports ``cudaq``; ``import scaleway_qaas`` does not.
"""

from ...core import ResultFuture
from .kernels import KernelArgumentError
from .observe import ScalewayObserveResult, observe, observe_async
from .sample import sample, sample_async, sample_batch, sample_batch_async
from .target import DEFAULT_MACHINE, set_target

__all__ = [
    "DEFAULT_MACHINE",
    "KernelArgumentError",
    "ResultFuture",
    "ScalewayObserveResult",
    "observe",
    "observe_async",
    "sample",
    "sample_async",
    "sample_batch",
    "sample_batch_async",
    "set_target",
]
