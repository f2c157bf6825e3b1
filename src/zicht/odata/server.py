"""A local CBS OData v3 feed (`/ODataFeed/odata/<table>/...`) over the synthetic Netherlands.

It answers the way opendata.cbs.nl does for the requests the `cbsodata` client makes: a service
document, entity sets in JSON with `odata.metadata` and `value`, paging through absolute
`odata.nextLink`s, and `$filter`/`$select`/`$top`/`$skip`. Faults can be injected per path for tests.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from zicht.cbs.catalog import CatalogTable, load_catalog
from zicht.errors import MissingPrerequisite, ZichtError
from zicht.odata.filters import ODataQueryError, compile_filter
from zicht.odata.shape import CbsTable, build_table, data_file

FEED_PREFIX = "/ODataFeed/odata/"
DEFAULT_PAGE_SIZE = 10_000  # CBS's own page size


@dataclass
class Fault:
    """What to do instead of answering a path: `status` (HTTP error), `sleep` or `malformed`."""

    kind: str
    status: int = 500
    seconds: float = 5.0
    times: int | None = None  # how many requests get the fault; None = all of them

    def __post_init__(self) -> None:
        if self.kind not in {"status", "sleep", "malformed"}:
            raise ValueError(f"unknown fault kind {self.kind!r}")


class _TableStore:
    """Tables by id, built from the synthetic data on first request.

    A multi-period table id has one catalog entry per period; it is served with every period whose
    synthetic data exists.
    """

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.available: dict[str, tuple[CatalogTable, ...]] = {}
        for table in load_catalog():
            if data_file(self.data_dir, table).exists():
                key = table.table_id.upper()
                self.available[key] = (*self.available.get(key, ()), table)
        self._built: dict[str, CbsTable] = {}
        self._lock = threading.Lock()

    def get(self, table_id: str) -> CbsTable | None:
        entries = self.available.get(table_id.upper())
        if entries is None:
            return None
        with self._lock:
            key = entries[0].table_id
            if key not in self._built:
                self._built[key] = build_table(self.data_dir, entries if entries[0].period else entries[0])
            return self._built[key]


class _FaultBook:
    def __init__(self, faults: dict[str, Fault] | None):
        self._faults = {path.rstrip("/"): fault for path, fault in (faults or {}).items()}
        self._used: dict[str, int] = {}
        self._lock = threading.Lock()

    def take(self, path: str) -> Fault | None:
        key = path.rstrip("/")
        fault = self._faults.get(key)
        if fault is None:
            return None
        with self._lock:
            used = self._used.get(key, 0)
            if fault.times is not None and used >= fault.times:
                return None
            self._used[key] = used + 1
        return fault


class _Handler(BaseHTTPRequestHandler):
    server: _ODataHTTPServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of the base class
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:  # noqa: N802 - name fixed by http.server
        parts = urlsplit(self.path)
        self.server.requests.append(self.path)
        fault = self.server.faults.take(parts.path)
        if fault is not None and self._apply_fault(fault):
            return
        if not parts.path.startswith(FEED_PREFIX):
            return self._error(HTTPStatus.NOT_FOUND, f"no resource at {parts.path}")
        segments = [s for s in parts.path[len(FEED_PREFIX) :].split("/") if s]
        if not segments or len(segments) > 2:
            return self._error(HTTPStatus.NOT_FOUND, f"no resource at {parts.path}")
        table = self.server.store.get(segments[0])
        if table is None:
            return self._error(HTTPStatus.NOT_FOUND, f"table {segments[0]!r} does not exist")
        query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        if query.get("$format", "json") != "json":
            return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "only $format=json is served")
        if len(segments) == 1:
            return self._service_document(table)
        try:
            self._entity_set(table, segments[1], query)
        except ODataQueryError as error:
            self._error(HTTPStatus.BAD_REQUEST, str(error))

    def _apply_fault(self, fault: Fault) -> bool:
        """Send the fault's answer; True when the request is done with."""
        if fault.kind == "status":
            self._error(HTTPStatus(fault.status), "injected fault")
            return True
        if fault.kind == "malformed":
            self._send(HTTPStatus.OK, b'{"odata.metadata": "truncated", "value": [{"ID": 0, "Key"')
            return True
        time.sleep(fault.seconds)
        return False

    def _base_url(self) -> str:
        host = self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        return f"http://{host}"

    def _service_document(self, table: CbsTable) -> None:
        base = f"{self._base_url()}{FEED_PREFIX}{table.table_id}/"
        body = {
            "odata.metadata": f"{base}$metadata",
            "value": [{"name": name, "url": f"{base}{name}"} for name in table.entity_sets],
        }
        self._send_json(body)

    def _entity_set(self, table: CbsTable, name: str, query: dict[str, str]) -> None:
        if name not in table.entity_sets:
            return self._error(HTTPStatus.NOT_FOUND, f"table {table.table_id} has no entity set {name!r}")
        rows = table.entity_sets[name]
        columns = table.columns(name)
        if "$filter" in query:
            predicate = compile_filter(query["$filter"], columns)
            try:
                rows = [row for row in rows if predicate(row)]
            except TypeError as error:
                raise ODataQueryError(f"$filter: incompatible operand types ({error})") from error
        if "$select" in query:
            selected = [c.strip() for c in query["$select"].split(",") if c.strip()]
            unknown = [c for c in selected if c not in columns]
            if unknown:
                raise ODataQueryError(f"$select: unknown properties {unknown}")
            rows = [{c: row[c] for c in selected} for row in rows]
        skip = _non_negative(query, "$skip", 0)
        top = _non_negative(query, "$top", None)
        end = len(rows) if top is None else min(len(rows), skip + top)
        page_end = min(end, skip + self.server.page_size)
        metadata = f"{self._base_url()}{FEED_PREFIX}{table.table_id}/$metadata"
        body = {
            "odata.metadata": f"{metadata}#Cbs.OData.WebAPI.{name}",
            "value": rows[skip:page_end],
        }
        if page_end < end:
            # cbsodata drops its own parameters when following the link: it must carry them all.
            follow = {k: v for k, v in query.items() if k not in ("$skip", "$top")}
            follow["$skip"] = str(page_end)
            if top is not None:
                follow["$top"] = str(end - page_end)
            body["odata.nextLink"] = (
                f"{self._base_url()}{FEED_PREFIX}{table.table_id}/{name}?{urlencode(follow, safe='$,')}"
            )
        self._send_json(body)

    def _error(self, status: HTTPStatus, message: str) -> None:
        body = {"odata.error": {"code": "", "message": {"lang": "en-US", "value": message}}}
        self._send(status, json.dumps(body).encode("utf-8"))

    def _send_json(self, body: dict) -> None:
        self._send(HTTPStatus.OK, json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def _send(self, status: HTTPStatus, payload: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json;odata=minimalmetadata;charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (for example after its timeout); nothing left to tell it


def _non_negative(query: dict[str, str], name: str, default: int | None) -> int | None:
    if name not in query:
        return default
    try:
        value = int(query[name])
    except ValueError as error:
        raise ODataQueryError(f"{name} must be a whole number") from error
    if value < 0:
        raise ODataQueryError(f"{name} must not be negative")
    return value


class _ODataHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, store: _TableStore, page_size: int, faults: _FaultBook, verbose: bool):
        self.store = store
        self.page_size = page_size
        self.faults = faults
        self.verbose = verbose
        self.requests: list[str] = []
        super().__init__(address, _Handler)


class ODataServer:
    """A running feed in a background thread: `.url`, `.port`, `.catalog_url`, `.shutdown()`."""

    def __init__(self, httpd: _ODataHTTPServer):
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name="zicht-odata", daemon=True)
        self._thread.start()

    @property
    def host(self) -> str:
        return self._httpd.server_address[0]

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def catalog_url(self) -> str:
        """What cbsodata (and ZICHT_CBS_HOST) takes as host: `host:port`."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.catalog_url}"

    @property
    def requests(self) -> list[str]:
        """Paths (with query) received so far, for tests."""
        return list(self._httpd.requests)

    def shutdown(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ODataServer:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


def _make_httpd(data_dir, host, port, page_size, faults, verbose) -> _ODataHTTPServer:
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    store = _TableStore(Path(data_dir))
    if not store.available:
        raise MissingPrerequisite(
            f"no synthetic CBS tables found in {data_dir}; run the generator first (zicht generate)"
        )
    return _ODataHTTPServer((host, port), store, page_size, _FaultBook(faults), verbose)


def serve(
    data_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    page_size: int = DEFAULT_PAGE_SIZE,
    faults: dict[str, Fault] | None = None,
    verbose: bool = False,
) -> ODataServer:
    """Start the feed in a background thread (port 0 picks a free port) and return it."""
    return ODataServer(_make_httpd(data_dir, host, port, page_size, faults, verbose))


def serve_forever(
    data_dir: Path | str, host: str = "127.0.0.1", port: int = 8081, *, page_size: int = DEFAULT_PAGE_SIZE
) -> None:
    """Serve in the foreground until interrupted (for a CLI)."""
    try:
        httpd = _make_httpd(data_dir, host, port, page_size, None, verbose=True)
    except OSError as error:
        if isinstance(error, ZichtError):
            raise
        raise ZichtError(f"cannot serve on {host}:{port}: {error.strerror or error}") from error
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
