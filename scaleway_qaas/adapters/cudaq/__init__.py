"""CUDA-Q on Scaleway QaaS: two paths, one configuration.

* **Native target** (:func:`set_target`): CUDA-Q's built-in C++ ``scaleway`` target, with
  credentials and URL resolved like every adapter (arguments, ``SCW_*``, Scaleway CLI config).
  Unchanged CUDA-Q code (``cudaq.sample``/``observe``/``*_async``, also from C++) runs on it.
* **Python path** (:func:`sample`, :func:`sample_async`, :func:`sample_batch`, :func:`observe`,
  :func:`observe_async`): ``cudaq.translate(kernel, format="openqasm2")`` -> core programs -> any
  platform accepting OpenQASM 2 -> ``cudaq.SampleResult`` / ``cudaq.ObserveResult``; shares the
  core's sessions, retries, errors and batching (all argument sets or terms in one core run).

>>> from scaleway_qaas.adapters import cudaq as scw       # doctest: +SKIP
>>> scw.sample(bell, shots_count=100)                      # doctest: +SKIP
{ 00:52 11:48 }

Importing this module imports ``cudaq``; ``import scaleway_qaas`` does not.
"""

from .backend import ScalewayFuture
from .convert import KernelArgumentError
from .observe import ScalewayObserveResult, observe, observe_async
from .sample import sample, sample_async, sample_batch, sample_batch_async
from .target import DEFAULT_MACHINE, set_target

__all__ = [
    "DEFAULT_MACHINE",
    "KernelArgumentError",
    "ScalewayFuture",
    "ScalewayObserveResult",
    "observe",
    "observe_async",
    "sample",
    "sample_async",
    "sample_batch",
    "sample_batch_async",
    "set_target",
]
