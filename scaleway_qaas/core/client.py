"""``AsyncQaaSClient`` (one method per API call) and its synchronous twin ``QaaSClient``."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any, TypeVar

import httpx

from .config import Config, resolve_config
from .durations import format_duration
from .errors import NotFoundError, PayloadError
from .loop import run_sync
from .payload import ComputationModel, ComputationParameters, ProgramResult
from .resources import (
    Booking,
    Job,
    JobResult,
    Model,
    Platform,
    Session,
    from_api,
)
from .transport import RetryPolicy, Timeouts, Transport

T = TypeVar("T")
PAGE_SIZE = 100
Duration = str | int | float


def _ids(value: str) -> str:
    if not isinstance(value, str) or not value or "/" in value:
        raise NotFoundError(f"invalid id {value!r}")
    return value


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
        self._http = Transport(self.config, retry=retry, timeouts=timeouts, transport=transport)

    def __repr__(self) -> str:
        return f"AsyncQaaSClient({self.config!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncQaaSClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _list(self, path: str, key: str, cls: type[T], params: dict[str, Any]) -> list[T]:
        items: list[T] = []
        page = 1
        while True:
            body = await self._http.request("GET", path, params={**params, "page": page, "page_size": PAGE_SIZE})
            batch = body.get(key) or []
            items.extend(from_api(cls, item) for item in batch)
            if not batch or len(items) >= int(body.get("total_count") or 0):
                return items
            page += 1

    # --- platforms ---------------------------------------------------------------

    async def list_platforms(
        self,
        *,
        name: str | None = None,
        provider_name: str | None = None,
        backend_name: str | None = None,
        platform_type: str | None = None,
        platform_technology: str | None = None,
    ) -> list[Platform]:
        params = {
            "name": name,
            "provider_name": provider_name,
            "backend_name": backend_name,
            "platform_type": platform_type,
            "platform_technology": platform_technology,
        }
        return await self._list("/platforms", "platforms", Platform, params)

    async def get_platform(self, platform_id: str) -> Platform:
        return from_api(Platform, await self._http.request("GET", f"/platforms/{_ids(platform_id)}"))

    async def find_platform(self, name: str) -> Platform:
        """The platform named ``name``; :class:`NotFoundError` lists close matches otherwise."""
        for platform in await self.list_platforms(name=name):
            if platform.name == name:
                return platform
        names = [p.name for p in await self.list_platforms()]
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.4) or names
        raise NotFoundError(
            f"no platform named {name!r}; "
            + (f"did you mean {', '.join(close)}?" if close else "the account sees no platform")
        )

    # --- sessions ----------------------------------------------------------------

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
    ) -> Session:
        """Create a session, or get the live one with the same ``deduplication_id``."""
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
        # with a deduplication id, repeating the call returns the same session
        data = await self._http.request("POST", "/sessions", json=body, idempotent=bool(deduplication_id))
        return from_api(Session, data)

    async def get_session(self, session_id: str) -> Session:
        return from_api(Session, await self._http.request("GET", f"/sessions/{_ids(session_id)}"))

    async def list_sessions(
        self, *, platform_id: str | None = None, tags: Sequence[str] | None = None
    ) -> list[Session]:
        params = {"project_id": self.config.project_id, "platform_id": platform_id, "tags": tags}
        return await self._list("/sessions", "sessions", Session, params)

    async def update_session(
        self,
        session_id: str,
        *,
        name: str | None = None,
        max_duration: Duration | None = None,
        max_idle_duration: Duration | None = None,
        tags: Sequence[str] | None = None,
    ) -> Session:
        body = {
            "name": name,
            "max_duration": format_duration(max_duration) if max_duration is not None else None,
            "max_idle_duration": format_duration(max_idle_duration) if max_idle_duration is not None else None,
            "tags": list(tags) if tags is not None else None,
        }
        data = await self._http.request(
            "PATCH", f"/sessions/{_ids(session_id)}", json={k: v for k, v in body.items() if v is not None},
            idempotent=True,
        )
        return from_api(Session, data)

    async def terminate_session(self, session_id: str) -> Session:
        data = await self._http.request("POST", f"/sessions/{_ids(session_id)}/terminate", json={}, idempotent=True)
        return from_api(Session, data)

    async def delete_session(self, session_id: str) -> None:
        await self._http.request("DELETE", f"/sessions/{_ids(session_id)}")

    # --- models ------------------------------------------------------------------

    async def create_model(self, model: ComputationModel | str) -> Model:
        """Store a computation model; repeating it after a lost answer only stores a spare copy."""
        payload = model.to_json() if isinstance(model, ComputationModel) else model
        body = {"project_id": self.config.project_id, "payload": payload}
        return from_api(Model, await self._http.request("POST", "/models", json=body, idempotent=True))

    async def get_model(self, model_id: str) -> Model:
        return from_api(Model, await self._http.request("GET", f"/models/{_ids(model_id)}"))

    async def list_models(self) -> list[Model]:
        return await self._list("/models", "models", Model, {"project_id": self.config.project_id})

    # --- jobs --------------------------------------------------------------------

    async def create_job(
        self,
        session_id: str,
        model_id: str,
        parameters: ComputationParameters | str,
        *,
        name: str,
        tags: Sequence[str] | None = None,
        max_duration: Duration | None = None,
    ) -> Job:
        """Create a job. ``name`` must be unique in the session: a retry whose first
        attempt's outcome is unknown looks the job up by name before creating it again."""
        params_json = parameters.to_json() if isinstance(parameters, ComputationParameters) else parameters
        body: dict[str, Any] = {
            "name": name,
            "session_id": session_id,
            "model_id": model_id,
            "parameters": params_json,
        }
        if tags:
            body["tags"] = list(tags)
        if max_duration is not None:
            body["max_duration"] = format_duration(max_duration)

        async def recover() -> Any:
            for job in await self.list_jobs(session_id=session_id):
                if job.name == name:
                    return {"id": job.id, "session_id": job.session_id, "name": job.name,
                            "status": job.status.value, "model_id": job.model_id}
            return None

        data = await self._http.request("POST", "/jobs", json=body, idempotent=False, recover=recover)
        return from_api(Job, data)

    async def get_job(self, job_id: str) -> Job:
        return from_api(Job, await self._http.request("GET", f"/jobs/{_ids(job_id)}"))

    async def list_jobs(self, *, session_id: str | None = None, tags: Sequence[str] | None = None) -> list[Job]:
        params = {"session_id": session_id, "project_id": None if session_id else self.config.project_id,
                  "tags": tags, "order_by": "created_at_asc"}
        return await self._list("/jobs", "jobs", Job, params)

    async def list_jobs_page(
        self, *, session_id: str, page: int = 1, page_size: int = PAGE_SIZE, order_by: str = "created_at_desc"
    ) -> tuple[list[Job], int]:
        """One page of a session's jobs and the total count (status polling reads the newest page)."""
        params = {"session_id": session_id, "page": page, "page_size": page_size, "order_by": order_by}
        body = await self._http.request("GET", "/jobs", params=params)
        return [from_api(Job, item) for item in body.get("jobs") or []], int(body.get("total_count") or 0)

    async def cancel_job(self, job_id: str) -> Job:
        return from_api(Job, await self._http.request("POST", f"/jobs/{_ids(job_id)}/cancel", json={},
                                                      idempotent=True))

    async def delete_job(self, job_id: str) -> None:
        await self._http.request("DELETE", f"/jobs/{_ids(job_id)}")

    async def list_job_results(self, job_id: str) -> list[JobResult]:
        """Results in creation order (one per program, or one for all programs on Aer platforms)."""
        return await self._list(
            f"/jobs/{_ids(job_id)}/results", "job_results", JobResult, {"order_by": "created_at_asc"}
        )

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

    async def list_bookings(self, *, platform_id: str | None = None) -> list[Booking]:
        params = {"project_id": self.config.project_id, "platform_id": platform_id}
        return await self._list("/bookings", "bookings", Booking, params)

    async def get_booking(self, booking_id: str) -> Booking:
        return from_api(Booking, await self._http.request("GET", f"/bookings/{_ids(booking_id)}"))


class QaaSClient:
    """Synchronous client: the same calls as :class:`AsyncQaaSClient`, blocking.

    Its coroutines run on one background loop, so it also works inside notebooks.
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
            config, secret_key=secret_key, project_id=project_id, url=url,
            retry=retry, timeouts=timeouts, transport=transport,
        )
        self.config = self.aio.config

    def __repr__(self) -> str:
        return f"QaaSClient({self.config!r})"

    def close(self) -> None:
        run_sync(self.aio.aclose())

    def __enter__(self) -> QaaSClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def list_platforms(self, **filters: str | None) -> list[Platform]:
        return run_sync(self.aio.list_platforms(**filters))

    def get_platform(self, platform_id: str) -> Platform:
        return run_sync(self.aio.get_platform(platform_id))

    def find_platform(self, name: str) -> Platform:
        return run_sync(self.aio.find_platform(name))

    def create_session(self, platform_id: str, **options: Any) -> Session:
        return run_sync(self.aio.create_session(platform_id, **options))

    def get_session(self, session_id: str) -> Session:
        return run_sync(self.aio.get_session(session_id))

    def list_sessions(self, *, platform_id: str | None = None, tags: Sequence[str] | None = None) -> list[Session]:
        return run_sync(self.aio.list_sessions(platform_id=platform_id, tags=tags))

    def update_session(self, session_id: str, **changes: Any) -> Session:
        return run_sync(self.aio.update_session(session_id, **changes))

    def terminate_session(self, session_id: str) -> Session:
        return run_sync(self.aio.terminate_session(session_id))

    def delete_session(self, session_id: str) -> None:
        run_sync(self.aio.delete_session(session_id))

    def create_model(self, model: ComputationModel | str) -> Model:
        return run_sync(self.aio.create_model(model))

    def get_model(self, model_id: str) -> Model:
        return run_sync(self.aio.get_model(model_id))

    def create_job(
        self, session_id: str, model_id: str, parameters: ComputationParameters | str, *, name: str, **extra: Any
    ) -> Job:
        return run_sync(self.aio.create_job(session_id, model_id, parameters, name=name, **extra))

    def get_job(self, job_id: str) -> Job:
        return run_sync(self.aio.get_job(job_id))

    def list_jobs(self, *, session_id: str | None = None, tags: Sequence[str] | None = None) -> list[Job]:
        return run_sync(self.aio.list_jobs(session_id=session_id, tags=tags))

    def cancel_job(self, job_id: str) -> Job:
        return run_sync(self.aio.cancel_job(job_id))

    def delete_job(self, job_id: str) -> None:
        run_sync(self.aio.delete_job(job_id))

    def list_job_results(self, job_id: str) -> list[JobResult]:
        return run_sync(self.aio.list_job_results(job_id))

    def fetch_job_results(self, job_id: str) -> list[ProgramResult]:
        return run_sync(self.aio.fetch_job_results(job_id))

    def list_bookings(self, *, platform_id: str | None = None) -> list[Booking]:
        return run_sync(self.aio.list_bookings(platform_id=platform_id))

    def get_booking(self, booking_id: str) -> Booking:
        return run_sync(self.aio.get_booking(booking_id))
