"""ScalewayProvider: lists Scaleway QaaS platforms as Qiskit backends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
from qiskit.providers.exceptions import QiskitBackendNotFoundError

from ...core import SERVER_FILTERS, PlatformDescription, PlatformInfo, QaaSClient, closest_names, select
from ...errors import InvalidArgumentError, NotFoundError
from .backend import ScalewayBackend


class ScalewayBackendNotFoundError(QiskitBackendNotFoundError, NotFoundError):
    """No (or more than one) platform matches; both a Qiskit and a ``scaleway_qaas`` error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ScalewayProvider:
    """Entry point: ``ScalewayProvider().get_backend("EMU-AER-16C-128M")``.

    Credentials resolve as everywhere in the package: arguments, then ``SCW_*`` variables (then
    the official plugin's ``QISKIT_SCALEWAY_*``), then the Scaleway CLI config file. ``client``
    injects a core client (any URL, transport or retry policy) instead.
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
        self._backends: dict[str, ScalewayBackend] = {}

    def __repr__(self) -> str:
        return f"ScalewayProvider(url={self.client.config.api_url!r})"

    def _backend(self, platform: PlatformDescription) -> ScalewayBackend:
        backend = self._backends.get(platform.id)
        if backend is None:
            backend = self._backends[platform.id] = ScalewayBackend(self, platform, self.client)
        return backend

    def backends(
        self,
        name: str | None = None,
        min_num_qubits: int | None = None,
        operational: bool | None = None,
        simulator: bool | None = None,
        filters: Callable[[ScalewayBackend], bool] | None = None,
        **attributes: Any,
    ) -> list[ScalewayBackend]:
        """Backends matching every given criterion.

        ``provider_name``, ``backend_name``, ``platform_type``, ``platform_technology``
        are filtered by the service; other keywords compare platform attributes
        (e.g. ``max_shot_count=2000``); ``filters`` is a predicate on backends.
        """
        server = {k: attributes.pop(k) for k in SERVER_FILTERS if k in attributes}
        for key in attributes:
            if key not in attrs.fields_dict(PlatformInfo) and not hasattr(PlatformInfo, key):
                raise InvalidArgumentError(f"unknown backend filter {key!r}")
        chosen = select(
            self.client.list_platforms(name=name, **server),
            name=name,
            operational=operational,
            min_num_qubits=min_num_qubits,
            simulator=simulator,
        )
        out = []
        for platform in chosen:
            if any(getattr(platform.info, k) != v for k, v in attributes.items()):
                continue
            backend = self._backend(platform)
            if filters is not None and not filters(backend):
                continue
            out.append(backend)
        return out

    def get_backend(self, name: str | None = None, **filters: Any) -> ScalewayBackend:
        """The one backend matching ``name`` and ``filters`` (as in :meth:`backends`); a clear error otherwise.

        Without ``name``, the filters alone must select exactly one backend, as in the official plugin.
        """
        found = self.backends(name=name, **filters)
        if len(found) == 1:
            return found[0]
        criteria = ", ".join(f"{k}={v!r}" for k, v in {"name": name, **filters}.items() if v is not None)
        if found:
            names = ", ".join(b.name for b in found)
            raise ScalewayBackendNotFoundError(f"more than one backend matches {criteria or 'no criteria'}: {names}")
        available = ", ".join(sorted(p.name for p in self.client.list_platforms()))
        close = ""
        if name is not None:
            suggestions = closest_names(name, available.split(", "))
            close = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        raise ScalewayBackendNotFoundError(f"no backend matches {criteria}{close} Available: {available}")
