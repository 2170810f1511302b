"""``AsyncQaaSClient`` (one coroutine per API call) and ``QaaSClient``, its mechanically derived sync twin."""

from __future__ import annotations

import asyncio
import difflib
import uuid
import weakref
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import httpx

from .config import Config, max_creations, resolve_config
from .durations import format_duration
from .errors import NotFoundError, PayloadError
from .loop import blocking_via, on_core, run_sync, submit_if_running
from .platform import PlatformDescription, describe, named
from .records import (
    BookingInfo,
    JobInfo,
    JobResultInfo,
    ModelInfo,
    PlatformInfo,
    SessionInfo,
    from_api,
    to_api,
)
from .requests import RequestRunner, RetryPolicy, Timeouts
from .wire import ComputationModel, ComputationParameters, ProgramResult

T = TypeVar("T")
PAGE_SIZE = 100
Duration = str | int | float


def _ids(value: str) -> str:
    if not isinstance(value, str) or not value or "/" in value:
        raise NotFoundError(f"invalid id {value!r}")
    return value


def _named(listed: Sequence[SessionInfo] | Sequence[JobInfo], name: str) -> dict[str, Any] | None:
    """The JSON of the listed resource called ``name`` (a creation whose answer was lost), or None."""
    return next((to_api(item) for item in listed if item.name == name), None)


def _instant(timestamp: str | None) -> float:
    """An RFC 3339 timestamp as seconds since the epoch, for ordering (unknown or unreadable: 0)."""
    try:
        return datetime.fromisoformat(timestamp).timestamp() if timestamp else 0.0
    except ValueError:
        return 0.0


#: called with a :class:`QaaSClient` about to close (the layers above register what must end with it)
_close_hooks: list[Callable[[QaaSClient], None]] = []


def on_close(hook: Callable[[QaaSClient], None]) -> None:
    """Call ``hook(client)`` whenever a :class:`QaaSClient` is closed, before its connections are."""
    _close_hooks.append(hook)


def closest_names(name: str, names: Sequence[str]) -> list[str]:
    """Up to three of ``names`` that look like ``name`` (for "did you mean ...?" errors)."""
    return difflib.get_close_matches(name, list(names), n=3, cutoff=0.4)


def _close_dropped(runner: RequestRunner) -> None:
    """A client dropped without :meth:`AsyncQaaSClient.aclose` closes its connections on the core's loop
    (left to the garbage collector, they would be torn down unclosed)."""
    if not runner.is_closed and not runner.is_inherited:
        submit_if_running(runner.aclose())


class AsyncQaaSClient:
    """Asynchronous client of the QaaS API: one coroutine per API call.

    Credentials come from :func:`resolve_config` unless a ``config`` is given.
    Lists follow every page. Errors are :class:`~scaleway_qaas.errors.QaaSError`.
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        secret_key: str | None = None,
        project_id: str | None = None,
        url: str | None = None,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = config or resolve_config(secret_key=secret_key, project_id=project_id, url=url)
        self._http = RequestRunner(self.config, retry=retry, timeouts=timeouts, transport=transport)
        weakref.finalize(self, _close_dropped, self._http).atexit = False  # at exit, the process ends them
        self._creations: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def __repr__(self) -> str:
        return f"AsyncQaaSClient({self.config!r})"

    @on_core
    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncQaaSClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def is_closed(self) -> bool:
        """Whether :meth:`aclose` was called (the client can send nothing more)."""
        return self._http.is_closed

    @property
    def unreachable_since(self) -> float | None:
        """Since when (``time.monotonic()``) the API has not answered this client; None while it answers."""
        return self._http.unreachable_since

    @property
    def creations(self) -> asyncio.Semaphore:
        """Bounds the model and job creations in flight from this client, across all submissions
        (:func:`.config.max_creations`, read when the client first creates on a loop)."""
        loop = asyncio.get_running_loop()  # the core's: a new one in a forked child
        if self._creations is None or self._creations[0] is not loop:
            self._creations = (loop, asyncio.Semaphore(max_creations()))
        return self._creations[1]

    async def _page(self, path: str, key: str, cls: type[T], params: dict[str, Any]) -> tuple[list[T], int | None]:
        """One page and the total count, from ``total_count`` or the ``X-Total-Count`` header (None: unknown)."""
        body, headers = await self._http.send("GET", path, params=params)
        if not isinstance(body, dict):
            raise PayloadError(f"GET {path} answered {type(body).__name__}, expected an object with {key!r}")
        total: int | None = None
        for raw in (body.get("total_count"), headers.get("X-Total-Count")):
            try:
                total = int(raw) if raw is not None else None
            except (TypeError, ValueError):
                total = None
            if total is not None:
                break
        return [from_api(cls, item) for item in body.get(key) or []], total

    async def _list(self, path: str, key: str, cls: type[T], params: dict[str, Any]) -> list[T]:
        """Every item, page after page.

        With a total count (``total_count`` or ``X-Total-Count``), pages are read until it is reached
        or a page is empty: a server may serve fewer items per page than asked. Without one, a short
        page ends the list.
        """
        items: list[T] = []
        page = 1
        while True:
            batch, total = await self._page(path, key, cls, {**params, "page": page, "page_size": PAGE_SIZE})
            items.extend(batch)
            done = len(items) >= total or not batch if total is not None else len(batch) < PAGE_SIZE
            if done:
                return items
            page += 1

    # --- platforms ---------------------------------------------------------------

    @on_core
    async def list_platforms(
        self,
        *,
        name: str | None = None,
        provider_name: str | None = None,
        backend_name: str | None = None,
        platform_type: str | None = None,
        platform_technology: str | None = None,
    ) -> list[PlatformInfo]:
        """The platforms matching every filter given; ``name`` matches exactly, else ignoring case (the
        service is asked with the name as given; without an exact match, the whole listing is compared)."""
        params = {
            "name": name,
            "provider_name": provider_name,
            "backend_name": backend_name,
            "platform_type": platform_type,
            "platform_technology": platform_technology,
        }
        found = await self._list("/platforms", "platforms", PlatformInfo, params)
        if name is None:
            return found
        if not any(p.name == name for p in found):
            found = await self._list("/platforms", "platforms", PlatformInfo, {**params, "name": None})
        return named(found, name)

    @on_core
    async def get_platform(self, platform_id: str) -> PlatformInfo:
        return from_api(PlatformInfo, await self._http.request("GET", f"/platforms/{_ids(platform_id)}"))

    @on_core
    async def find_platform(self, name: str) -> PlatformInfo:
        """The platform named ``name`` (exactly, else ignoring case); :class:`NotFoundError` lists close matches
        otherwise."""
        found = await self.list_platforms(name=name)
        if len(found) == 1:
            return found[0]
        if found:
            raise NotFoundError(f"{name!r} names several platforms: {', '.join(p.name for p in found)}; give one")
        names = [p.name for p in await self.list_platforms()]
        close = closest_names(name, names) or names
        raise NotFoundError(
            f"no platform named {name!r}; "
            + (f"did you mean {', '.join(close)}?" if close else "the account sees no platform")
        )

    @on_core
    async def describe_platform(self, name: str) -> PlatformDescription:
        """What the platform named ``name`` can do (see :mod:`.platform`)."""
        return describe(await self.find_platform(name))

    # --- sessions ----------------------------------------------------------------

    @on_core
    async def create_session(
        self,
        platform_id: str,
        *,
        name: str | None = None,
        deduplication_id: str | None = None,
        max_duration: Duration | None = None,
        max_idle_duration: Duration | None = None,
        tags: Sequence[str] | None = None,
        booking_demand: dict[str, Any] | None = None,
        model_id: str | None = None,
        parameters: str | None = None,
    ) -> SessionInfo:
        """Create a session, or get the live one with the same ``deduplication_id``.

        Its ``name`` (generated when not given) must be unique: a creation whose outcome is
        unknown (the answer was lost) is looked up by name before being sent again.
        """
        name = name or f"scaleway-qaas-{uuid.uuid4().hex[:12]}"
        body = {
            "project_id": self.config.project_id,
            "platform_id": platform_id,
            "name": name,
            "deduplication_id": deduplication_id,
            "max_duration": format_duration(max_duration) if max_duration is not None else None,
            "max_idle_duration": format_duration(max_idle_duration) if max_idle_duration is not None else None,
            "tags": list(tags) if tags else None,
            "booking_demand": booking_demand,
            "model_id": model_id,
            "parameters": parameters,
        }
        body = {k: v for k, v in body.items() if v is not None}

        async def recover() -> Any:
            return _named(await self.list_sessions(platform_id=platform_id), name)

        data = await self._http.request("POST", "/sessions", json=body, idempotent=False, recover=recover)
        return from_api(SessionInfo, data)

    @on_core
    async def get_session(self, session_id: str) -> SessionInfo:
        return from_api(SessionInfo, await self._http.request("GET", f"/sessions/{_ids(session_id)}"))

    @on_core
    async def list_sessions(
        self, *, platform_id: str | None = None, tags: Sequence[str] | None = None
    ) -> list[SessionInfo]:
        params = {"project_id": self.config.project_id, "platform_id": platform_id, "tags": tags}
        return await self._list("/sessions", "sessions", SessionInfo, params)

    @on_core
    async def update_session(
        self,
        session_id: str,
        *,
        name: str | None = None,
        max_duration: Duration | None = None,
        max_idle_duration: Duration | None = None,
        tags: Sequence[str] | None = None,
    ) -> SessionInfo:
        body = {
            "name": name,
            "max_duration": format_duration(max_duration) if max_duration is not None else None,
            "max_idle_duration": format_duration(max_idle_duration) if max_idle_duration is not None else None,
            "tags": list(tags) if tags is not None else None,
        }
        data = await self._http.request(
            "PATCH",
            f"/sessions/{_ids(session_id)}",
            json={k: v for k, v in body.items() if v is not None},
            idempotent=True,
        )
        return from_api(SessionInfo, data)

    @on_core
    async def terminate_session(self, session_id: str) -> SessionInfo:
        data = await self._http.request("POST", f"/sessions/{_ids(session_id)}/terminate", json={}, idempotent=True)
        return from_api(SessionInfo, data)

    @on_core
    async def delete_session(self, session_id: str) -> None:
        await self._http.request("DELETE", f"/sessions/{_ids(session_id)}")

    # --- models ------------------------------------------------------------------

    @on_core
    async def create_model(self, model: ComputationModel | str) -> ModelInfo:
        """Store a computation model; repeating it after a lost answer only stores a spare copy."""
        payload = model.to_json() if isinstance(model, ComputationModel) else model
        body = {"project_id": self.config.project_id, "payload": payload}
        async with self.creations:
            return from_api(ModelInfo, await self._http.request("POST", "/models", json=body, idempotent=True))

    @on_core
    async def get_model(self, model_id: str) -> ModelInfo:
        return from_api(ModelInfo, await self._http.request("GET", f"/models/{_ids(model_id)}"))

    @on_core
    async def list_models(self) -> list[ModelInfo]:
        return await self._list("/models", "models", ModelInfo, {"project_id": self.config.project_id})

    # --- jobs --------------------------------------------------------------------

    @on_core
    async def create_job(
        self,
        session_id: str,
        model_id: str,
        parameters: ComputationParameters | str,
        *,
        name: str,
        tags: Sequence[str] | None = None,
        max_duration: Duration | None = None,
    ) -> JobInfo:
        """Create a job. ``name`` must be unique in the session: a retry whose first
        attempt's outcome is unknown looks the job up by name before creating it again."""
        params_json = parameters.to_json() if isinstance(parameters, ComputationParameters) else parameters
        body: dict[str, Any] = {
            "name": name,
            "session_id": session_id,
            "model_id": model_id,
            "parameters": params_json,
            "circuit": {"qiskit_circuit": None},  # as the official Python SDK sends
        }
        if tags:
            body["tags"] = list(tags)
        if max_duration is not None:
            body["max_duration"] = format_duration(max_duration)

        async def recover() -> Any:
            return _named(await self.list_jobs(session_id=session_id), name)

        async with self.creations:
            data = await self._http.request("POST", "/jobs", json=body, idempotent=False, recover=recover)
        return from_api(JobInfo, data)

    @on_core
    async def get_job(self, job_id: str) -> JobInfo:
        return from_api(JobInfo, await self._http.request("GET", f"/jobs/{_ids(job_id)}"))

    @on_core
    async def list_jobs(self, *, session_id: str | None = None, tags: Sequence[str] | None = None) -> list[JobInfo]:
        params = {
            "session_id": session_id,
            "project_id": None if session_id else self.config.project_id,
            "tags": tags,
            "order_by": "created_at_asc",
        }
        return await self._list("/jobs", "jobs", JobInfo, params)

    @on_core
    async def list_jobs_page(
        self, *, session_id: str, page: int = 1, page_size: int = PAGE_SIZE, order_by: str = "created_at_desc"
    ) -> tuple[list[JobInfo], int | None]:
        """One page of a session's jobs and the total count if known (status polling reads the newest page)."""
        params = {"session_id": session_id, "page": page, "page_size": page_size, "order_by": order_by}
        return await self._page("/jobs", "jobs", JobInfo, params)

    @on_core
    async def cancel_job(self, job_id: str) -> JobInfo:
        return from_api(
            JobInfo, await self._http.request("POST", f"/jobs/{_ids(job_id)}/cancel", json={}, idempotent=True)
        )

    @on_core
    async def delete_job(self, job_id: str) -> None:
        await self._http.request("DELETE", f"/jobs/{_ids(job_id)}")

    @on_core
    async def list_job_results(self, job_id: str) -> list[JobResultInfo]:
        """Results in creation order (one per program, or one for all programs on Aer platforms; intermediate
        results, if the platform writes any, come before the final ones). Ordered here by ``created_at``
        too, whatever order the server lists them in."""
        results = await self._list(
            f"/jobs/{_ids(job_id)}/results", "job_results", JobResultInfo, {"order_by": "created_at_asc"}
        )
        return sorted(results, key=lambda r: _instant(r.created_at))

    @on_core
    async def fetch_job_results(self, job_id: str) -> list[ProgramResult]:
        """The results' payloads, downloading those served by ``url``."""
        out = []
        for item in await self.list_job_results(job_id):
            if item.result:
                text: str | bytes = item.result
            elif item.url:
                text = await self._http.download(item.url)
            else:
                raise PayloadError(f"job {job_id} has a result with neither 'result' nor 'url'")
            out.append(ProgramResult.from_json(text))
        return out

    # --- bookings ----------------------------------------------------------------

    @on_core
    async def list_bookings(self, *, platform_id: str | None = None) -> list[BookingInfo]:
        params = {"project_id": self.config.project_id, "platform_id": platform_id}
        return await self._list("/bookings", "bookings", BookingInfo, params)

    @on_core
    async def get_booking(self, booking_id: str) -> BookingInfo:
        return from_api(BookingInfo, await self._http.request("GET", f"/bookings/{_ids(booking_id)}"))


class QaaSClient:
    """Synchronous client: the same calls as :class:`AsyncQaaSClient`, blocking (derived mechanically).

    Its coroutines run on the core's background loop, so it also works inside notebooks.
    ``aio`` is the async client it drives; ``QaaSClient.wrap(async_client)`` shares one.
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        secret_key: str | None = None,
        project_id: str | None = None,
        url: str | None = None,
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.aio = AsyncQaaSClient(
            config,
            secret_key=secret_key,
            project_id=project_id,
            url=url,
            retry=retry,
            timeouts=timeouts,
            transport=transport,
        )
        self.config = self.aio.config

    @classmethod
    def wrap(cls, aio: AsyncQaaSClient) -> QaaSClient:
        """A sync client over an existing async one."""
        client = cls.__new__(cls)
        client.aio = aio
        client.config = aio.config
        return client

    def __repr__(self) -> str:
        return f"QaaSClient({self.config!r})"

    def close(self) -> None:
        """Terminate the sessions the package opened through this client, then close its connections."""
        for hook in _close_hooks:
            hook(self)
        run_sync(self.aio.aclose())

    def __enter__(self) -> QaaSClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    list_platforms = blocking_via("aio", AsyncQaaSClient.list_platforms)
    get_platform = blocking_via("aio", AsyncQaaSClient.get_platform)
    find_platform = blocking_via("aio", AsyncQaaSClient.find_platform)
    describe_platform = blocking_via("aio", AsyncQaaSClient.describe_platform)
    create_session = blocking_via("aio", AsyncQaaSClient.create_session)
    get_session = blocking_via("aio", AsyncQaaSClient.get_session)
    list_sessions = blocking_via("aio", AsyncQaaSClient.list_sessions)
    update_session = blocking_via("aio", AsyncQaaSClient.update_session)
    terminate_session = blocking_via("aio", AsyncQaaSClient.terminate_session)
    delete_session = blocking_via("aio", AsyncQaaSClient.delete_session)
    create_model = blocking_via("aio", AsyncQaaSClient.create_model)
    get_model = blocking_via("aio", AsyncQaaSClient.get_model)
    list_models = blocking_via("aio", AsyncQaaSClient.list_models)
    create_job = blocking_via("aio", AsyncQaaSClient.create_job)
    get_job = blocking_via("aio", AsyncQaaSClient.get_job)
    list_jobs = blocking_via("aio", AsyncQaaSClient.list_jobs)
    list_jobs_page = blocking_via("aio", AsyncQaaSClient.list_jobs_page)
    cancel_job = blocking_via("aio", AsyncQaaSClient.cancel_job)
    delete_job = blocking_via("aio", AsyncQaaSClient.delete_job)
    list_job_results = blocking_via("aio", AsyncQaaSClient.list_job_results)
    fetch_job_results = blocking_via("aio", AsyncQaaSClient.fetch_job_results)
    list_bookings = blocking_via("aio", AsyncQaaSClient.list_bookings)
    get_booking = blocking_via("aio", AsyncQaaSClient.get_booking)
