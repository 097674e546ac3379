"""The HTTP face of the emulator: Conductor's REST contract plus the `/_emulator/` control API.

Conductor paths are served under `/v1/quickbooks-desktop/...` (the `/v1` prefix is optional, as
in the real API's routing), so `conductor.Conductor(base_url="http://HOST:PORT/v1")` works
unchanged. Every response carries `Conductor-Request-Id`; every failure is Conductor's error
envelope.
"""

import asyncio
import json
import logging
import time
from datetime import datetime, timezone
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..spec.entities import RESOURCES, RESOURCES_BY_PATH
from ..spec.request_rules import body_rule
from . import errors
from .company import new_request_id
from .faults import Fault
from .queries import parse_filter_instant, plan_list, render
from .state import Emulator

log = logging.getLogger("qbd_pipeline.emulator")
_DELETED_FEEDS = {
    "deleted-list-objects": ("list", "objectTypes", "qbd_deleted_list_object", "listType", "fullName"),
    "deleted-transactions": ("transaction", "transactionTypes", "qbd_deleted_transaction",
                             "transactionType", "refNumber"),
}
_DROP = "qbd_pipeline.emulator.drop"


def _json(body: Any, request_id: str, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status_code=status, media_type="application/json",
                    headers={"Conductor-Request-Id": request_id, **(headers or {})})


def _error_response(exc: errors.ConductorApiError, request_id: str) -> Response:
    headers = {}
    if exc.retry_after is not None:
        headers["Retry-After"] = f"{exc.retry_after:g}"
    return _json(exc.body(request_id), request_id, exc.status, headers)


class EmulatorApp:
    """Routes and handlers, bound to one `Emulator`."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        routes = [
            Route("/_emulator/clock", self.clock, methods=["GET", "POST", "DELETE"]),
            Route("/_emulator/records/{resource}/{record_id}", self.delete_record, methods=["DELETE"]),
            Route("/_emulator/faults", self.faults, methods=["GET", "POST", "DELETE"]),
            Route("/_emulator/requests", self.request_log, methods=["GET", "DELETE"]),
            Route("/{rest:path}", self.conductor, methods=["GET", "POST", "DELETE", "PUT", "PATCH"]),
        ]
        self._company_locks: dict[str, asyncio.Lock] = {}
        self.starlette = Starlette(routes=routes)

    async def __call__(self, scope, receive, send) -> None:
        """Outermost ASGI layer: it can close the socket instead of answering (drop_after_commit)."""
        if scope["type"] != "http":
            await self.starlette(scope, receive, send)
            return

        async def guarded_send(message):
            if scope.get(_DROP) and message["type"] == "http.response.start":
                transport = getattr(getattr(send, "__self__", None), "transport", None)
                if transport is None:
                    raise RuntimeError("drop_after_commit needs uvicorn's transport")
                transport.close()
                return
            if scope.get(_DROP):
                return
            await send(message)

        await self.starlette(scope, receive, guarded_send)

    # auth and bookkeeping ---------------------------------------------------------------------
    def _authenticate(self, request: Request) -> None:
        header = request.headers.get("authorization", "")
        if not header:
            raise errors.authentication(
                "No API key provided. Set the header 'Authorization: Bearer <your secret key>'.",
                code="API_KEY_MISSING")
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "bearer" or key.strip() not in self.emulator.config.secret_keys:
            shown = key.strip()
            masked = f"{shown[:3]}...{shown[-4:]}" if len(shown) > 8 else "***"
            raise errors.authentication(f"Invalid API key provided: '{masked}'")

    def _log(self, request: Request, status: int, request_id: str, started: float) -> None:
        self.emulator.requests.append({
            "time": datetime.now(timezone.utc).isoformat(),
            "requestId": request_id,
            "endUserId": request.headers.get("conductor-end-user-id"),
            "method": request.method,
            "path": request.url.path,
            "query": str(request.url.query),
            "status": status,
            "durationMs": round((time.monotonic() - started) * 1000, 2),
            "retryCount": request.headers.get("x-stainless-retry-count"),
        })

    # Conductor API ----------------------------------------------------------------------------
    async def conductor(self, request: Request) -> Response:
        request_id = new_request_id()
        started = time.monotonic()
        status = 500
        try:
            response = await self._conductor(request, request_id)
            status = response.status_code
            return response
        except errors.ConductorApiError as exc:
            status = exc.status
            return _error_response(exc, request_id)
        except Exception:
            log.exception("emulator failure on %s %s", request.method, request.url.path)
            return _error_response(errors.internal(), request_id)
        finally:
            if request.scope.get(_DROP):
                status = 0
            self._log(request, status, request_id, started)

    async def _conductor(self, request: Request, request_id: str) -> Response:
        parts = self._parts(request)
        if not parts or parts[0] != "quickbooks-desktop" or len(parts) < 2:
            raise errors.invalid_request(f"Unrecognized request URL ({request.method}: {request.url.path}).",
                                         code="RESOURCE_MISSING", status=404)
        self._authenticate(request)
        company = self.emulator.company(request.headers.get("conductor-end-user-id"))
        if request.method not in ("GET", "POST", "DELETE"):
            raise errors.invalid_request(f"Unrecognized request URL ({request.method}: {request.url.path}).",
                                         code="RESOURCE_MISSING", status=404)
        # QuickBooks Desktop answers one request at a time per company file; Conductor queues the rest.
        lock = self._company_locks.setdefault(company.end_user, asyncio.Lock())
        async with lock:
            return await self._serve(request, request_id, company)

    async def _serve(self, request: Request, request_id: str, company) -> Response:
        fault = self.emulator.faults.consume(request.method, request.url.path)
        if fault is not None and fault.kind != "latency":
            await self._apply_fault(fault, request, company.end_user)
        body = None
        if request.method == "POST":
            raw = await request.body()
            try:
                body = json.loads(raw) if raw else {}
            except ValueError as exc:
                raise errors.invalid_request("The request body is not valid JSON.") from exc
            if not isinstance(body, dict):
                raise errors.invalid_request("Invalid input: expected object, received array")
        query: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            query.setdefault(key, []).append(value)
        result, cursor = await run_in_threadpool(self._dispatch, company, request.method, self._parts(request)[1:],
                                                 query, body)
        pace = self._pace(result)
        if pace:
            await asyncio.sleep(pace)  # QuickBooks' own pace, still one request at a time per company file
        if fault is not None and fault.kind == "latency":
            await asyncio.sleep(fault.seconds)  # a slow answer: the request itself arrived in time
        response = _json(result, request_id)
        if cursor:
            self.emulator.cursors.touch(cursor)
        return response

    def _pace(self, result) -> float:
        """Seconds the configured QuickBooks latency adds to this answer."""
        config = self.emulator.config
        if not (config.latency_ms_per_request or config.latency_ms_per_record):
            return 0.0
        data = result.get("data") if isinstance(result, dict) else None
        records = len(data) if isinstance(data, list) else 1
        return (config.latency_ms_per_request + config.latency_ms_per_record * records) / 1000

    @staticmethod
    def _parts(request: Request) -> list[str]:
        parts = [p for p in request.url.path.split("/") if p]
        return parts[1:] if parts and parts[0] == "v1" else parts

    async def _apply_fault(self, fault: Fault, request: Request, end_user: str) -> None:
        if fault.kind == "rate_limit":
            raise errors.rate_limited(fault.seconds)
        elif fault.kind == "server_error":
            raise errors.internal()
        elif fault.kind == "qbd_offline":
            raise errors.qbd_offline()
        elif fault.kind == "expire_cursor":
            self.emulator.cursors.expire_all(end_user)
        elif fault.kind == "drop_after_commit":
            request.scope[_DROP] = True
        elif fault.kind == "qbd_error":
            raise errors.scripted(fault.code, fault.message)

    def _dispatch(self, company, method: str, parts: list[str], query: dict, body: dict | None):
        """Synchronous core of a Conductor call: (response body, cursor to start the window on)."""
        head = parts[0]
        if head == "health-check" and len(parts) == 1 and method == "GET":
            began = time.monotonic()
            company.store.count(company.end_user)
            return {"duration": round((time.monotonic() - began) * 1000, 3), "status": "ok"}, None
        if head in _DELETED_FEEDS and len(parts) == 1 and method == "GET":
            return self._deleted_feed(company, head, query), None
        resource = RESOURCES_BY_PATH.get(head)
        if resource is None:
            raise errors.invalid_request(f"Unrecognized request URL ({method}: /quickbooks-desktop/{head}).",
                                         code="RESOURCE_MISSING", status=404)
        if len(parts) == 1 and method == "GET":
            return self._list(company, resource, query)
        if len(parts) == 1 and method == "POST":
            return render(resource, company.create(resource.path, body or {})), None
        if len(parts) == 2 and method == "GET":
            return render(resource, company.get(resource.path, parts[1])), None
        if len(parts) == 2 and method == "POST":
            return render(resource, company.update(resource.path, parts[1], body or {})), None
        if len(parts) == 2 and method == "DELETE" and resource.can_delete:
            return company.delete_transaction(resource.path, parts[1]), None
        if len(parts) == 3 and parts[2] == "void" and method == "POST" and resource.can_void:
            return company.void(resource.path, parts[1]), None
        raise errors.invalid_request(f"Unrecognized request URL ({method}: /quickbooks-desktop/{'/'.join(parts)}).",
                                     code="RESOURCE_MISSING", status=404)

    def _list(self, company, resource, query: dict) -> tuple[dict, str | None]:
        url = f"/v1/quickbooks-desktop/{resource.path}"
        cursor = (query.get("cursor") or [None])[-1]
        plan = plan_list(resource, query, company.clock)
        if not resource.paginated:
            ids = self.emulator.list_ids(company, resource, plan)
            if "limit" in query:
                ids = ids[:plan.limit]
            records = company.store.get_many(company.end_user, resource.path, ids)
            return {"objectType": "list", "url": url, "data": [render(resource, r, plan) for r in records]}, None
        if cursor:
            page, remaining = self.emulator.cursors.take(cursor, company.end_user, resource.path, plan.limit)
        else:
            ids = self.emulator.list_ids(company, resource, plan)
            page, remaining = ids[:plan.limit], len(ids) - len(ids[:plan.limit])
            cursor = self.emulator.cursors.open(company.end_user, resource.path, ids, len(page)) if remaining else None
        records = company.store.get_many(company.end_user, resource.path, page)
        has_more = remaining > 0
        return {
            "objectType": "list", "url": url, "data": [render(resource, r, plan) for r in records],
            "nextCursor": cursor if has_more else None, "remainingCount": remaining, "hasMore": has_more,
        }, (cursor if has_more else None)

    def _deleted_feed(self, company, head: str, query: dict) -> dict:
        kind, types_key, object_type, type_field, label_field = _DELETED_FEEDS[head]
        allowed = {types_key, "deletedAfter", "deletedBefore"}
        for key in query:
            if key not in allowed:
                raise errors.invalid_request(f'Unrecognized key: "{key}"')
        types = query.get(types_key)
        if not types:
            raise errors.invalid_request(f'Invalid input: expected array, received undefined at "{types_key}"')
        allowed_types = _deleted_types(head)
        for value in types:
            if value not in allowed_types:
                raise errors.invalid_request(f'Invalid option: "{value}" is not a valid value at "{types_key}"')
        clock = company.clock
        now = clock.now()
        floor = int(now.timestamp()) - 90 * 86400
        bounds = []
        for key, end in (("deletedAfter", False), ("deletedBefore", True)):
            value = (query.get(key) or [None])[-1]
            bounds.append(int(parse_filter_instant(clock, key, value, end).timestamp()) if value else None)
        after = max(bounds[0] or floor, floor)
        rows = company.store.deletions(company.end_user, kind, types, after, bounds[1])
        data = [{"objectType": object_type, "id": rid, type_field: type_, label_field: label,
                 "createdAt": created, "deletedAt": deleted} for type_, rid, label, created, deleted in rows]
        return {"objectType": "list", "url": f"/v1/quickbooks-desktop/{head}", "data": data}

    # control API ------------------------------------------------------------------------------
    async def _control(self, request: Request, handler) -> Response:
        request_id = new_request_id()
        try:
            self._authenticate(request)
            body = {}
            if request.method == "POST":
                raw = await request.body()
                body = json.loads(raw) if raw else {}
            result = handler(request, body)
            return _json(result, request_id)
        except errors.ConductorApiError as exc:
            return _error_response(exc, request_id)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return _error_response(errors.invalid_request(f"{type(exc).__name__}: {exc}"), request_id)
        except Exception:
            log.exception("emulator control failure on %s %s", request.method, request.url.path)
            return _error_response(errors.internal(), request_id)

    async def clock(self, request: Request) -> Response:
        def handle(req: Request, body: dict) -> dict:
            company = self.emulator.company(req.headers.get("conductor-end-user-id"))
            if req.method == "POST":
                if "now" in body:
                    if not isinstance(body["now"], str):
                        raise ValueError('"now" must be an ISO 8601 timestamp with an offset')
                    company.clock.set(datetime.fromisoformat(body["now"].replace("Z", "+00:00")))
                elif "advance_seconds" in body:
                    company.clock.advance(float(body["advance_seconds"]))
                else:
                    raise ValueError('send {"now": "<ISO 8601 with offset>"} or {"advance_seconds": N}')
            elif req.method == "DELETE":
                company.clock.reset()
            return {"now": company.clock.stamp(company.clock.now()), "fixed": company.clock.is_fixed}
        return await self._control(request, handle)

    async def delete_record(self, request: Request) -> Response:
        def handle(req: Request, body: dict) -> dict:
            company = self.emulator.company(req.headers.get("conductor-end-user-id"))
            path = req.path_params["resource"]
            if path not in RESOURCES_BY_PATH:
                raise ValueError(f"unknown resource {path!r}; one of {', '.join(r.path for r in RESOURCES)}")
            company.delete_record(path, req.path_params["record_id"])
            return {"id": req.path_params["record_id"], "deleted": True}
        return await self._control(request, handle)

    async def faults(self, request: Request) -> Response:
        def handle(req: Request, body: dict) -> dict:
            if req.method == "POST":
                self.emulator.faults.add(Fault(
                    kind=body["kind"], count=int(body.get("count", 1)), method=body.get("method"),
                    path_contains=body.get("path_contains"), seconds=float(body.get("seconds", 1.0)),
                    skip=int(body.get("skip", 0)), code=body.get("code"), message=body.get("message")))
            elif req.method == "DELETE":
                self.emulator.faults.clear()
            return {"faults": self.emulator.faults.pending()}
        return await self._control(request, handle)

    async def request_log(self, request: Request) -> Response:
        def handle(req: Request, body: dict) -> dict:
            if req.method == "DELETE":
                self.emulator.requests.clear()
            return {"data": list(self.emulator.requests)}
        return await self._control(request, handle)


def _deleted_types(head: str) -> tuple[str, ...]:
    """The allowed `objectTypes` / `transactionTypes` values, from the SDK's own request types."""
    from conductor.types.qbd import DeletedListObjectListParams, DeletedTransactionListParams

    params, key = ((DeletedListObjectListParams, "objectTypes") if head == "deleted-list-objects"
                   else (DeletedTransactionListParams, "transactionTypes"))
    return body_rule(params).fields[key].items.enum


def create_app(emulator: Emulator) -> EmulatorApp:
    return EmulatorApp(emulator)
