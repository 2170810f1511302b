"""The official cirq-scaleway entry points, over the core: ``ScalewayQuantumService`` and ``ScalewayDevice``.

Code written for cirq-scaleway runs by changing its import line::

    service = ScalewayQuantumService(project_id=..., secret_key=...)
    device = service.device(name="EMU-QSIM-16C-128M")
    with device.create_session() as session:
        result = session.run(circuit, repetitions=100)

Differences, on purpose (see ``docs/cirq.md``): ``device(name)`` raises
:class:`~scaleway_qaas.core.errors.NotFoundError` (with close names) instead of returning
None; ``availability`` and ``status`` are the values last read (properties send no
request); every gate-based family is listed, CUDA-Q included.
"""

from __future__ import annotations

from typing import Any

import cirq

from ...core import (
    SERVER_FILTERS,
    Family,
    PlatformDescription,
    PlatformInfo,
    QaaSClient,
    describe,
    from_object,
    select,
)
from ...errors import InvalidArgumentError, NotFoundError
from .sampler import ScalewaySampler


class ScalewayDevice(cirq.Device):
    """A platform Cirq can program; :meth:`create_session` gives a sampler on it."""

    def __init__(self, client: QaaSClient, platform: PlatformDescription | PlatformInfo | Any) -> None:
        """``platform``: a description, a platform record, or any object with a record's attributes
        (``id``, ``name``, ``max_qubit_count``...; missing optional fields take their defaults)."""
        self.client = client
        if not isinstance(platform, PlatformDescription):
            info = platform if isinstance(platform, PlatformInfo) else from_object(PlatformInfo, platform)
            platform = describe(info)
        self.platform = platform

    def __repr__(self) -> str:
        return f"<ScalewayDevice(name={self.name},num_qubits={self.num_qubits},platform_id={self.id})>"

    @property
    def id(self) -> str:
        """The platform's id."""
        return self.platform.id

    @property
    def name(self) -> str:
        return self.platform.name

    @property
    def availability(self) -> str:
        """``available``, ``shortage``, ``scarce`` or ``maintenance``, as listed (list devices again to update)."""
        return self.platform.info.availability.value

    @property
    def num_qubits(self) -> int:
        return self.platform.max_qubits

    @property
    def version(self) -> str:
        return self.platform.info.version

    def create_session(
        self,
        name: str | None = None,
        deduplication_id: str | None = None,
        max_duration: str | int = "59m",
        max_idle_duration: str | int = "59m",
        **sampler_options: Any,
    ) -> ScalewaySampler:
        """A sampler whose ``with`` block (or :meth:`~ScalewaySampler.start`) opens a session with these limits.

        ``sampler_options``: ``options``, ``timeout``, ``transpile``, ``max_cost``, ``resume``, ``label`` (see
        :class:`ScalewaySampler`).
        """
        return ScalewaySampler(
            self.platform,
            client=self.client,
            name=name,
            deduplication_id=deduplication_id,
            max_duration=max_duration,
            max_idle_duration=max_idle_duration,
            **sampler_options,
        )


class ScalewayQuantumService:
    """Lists the platforms Cirq can program, as :class:`ScalewayDevice` objects.

    Credentials: the arguments, then the ``SCW_*`` variables, then ``CIRQ_SCALEWAY_*``, then the
    Scaleway config file; ``client`` injects a core client instead. Nothing is sent until a
    method is called.
    """

    def __init__(
        self,
        project_id: str | None = None,
        secret_key: str | None = None,
        url: str | None = None,
        *,
        client: QaaSClient | None = None,
    ) -> None:
        self.client = client or QaaSClient(secret_key=secret_key, project_id=project_id, url=url)

    def __repr__(self) -> str:
        return f"ScalewayQuantumService(url={self.client.config.api_url!r})"

    def devices(
        self,
        name: str | None = None,
        *,
        operational: bool | None = None,
        min_num_qubits: int | None = None,
        simulator: bool | None = None,
        **filters: str,
    ) -> list[ScalewayDevice]:
        """Gate-based platforms matching every criterion (``provider_name``, ``backend_name``,
        ``platform_type`` and ``platform_technology`` are filtered by the service)."""
        unknown = sorted(set(filters) - set(SERVER_FILTERS))
        if unknown:
            raise InvalidArgumentError(
                f"unknown device filter(s) {', '.join(unknown)}; known: name, operational, min_num_qubits, "
                f"simulator, {', '.join(SERVER_FILTERS)}"
            )
        chosen = select(
            self.client.list_platforms(name=name, **filters),
            name=name,
            operational=operational,
            min_num_qubits=min_num_qubits,
            simulator=simulator,
        )
        return [ScalewayDevice(self.client, p) for p in chosen if p.family is not Family.UNKNOWN]

    def device(self, name: str) -> ScalewayDevice:
        """The device called ``name``; :class:`NotFoundError` naming close matches otherwise."""
        platform = self.client.describe_platform(name)
        if platform.family is Family.UNKNOWN:
            raise NotFoundError(f"{name} is not a gate-based platform: Cirq cannot program it")
        return ScalewayDevice(self.client, platform)
