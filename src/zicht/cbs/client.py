"""Download a CBS table with the real `cbsodata` client, with timeouts, retries and clear errors."""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import cbsodata
import requests

from zicht.errors import ZichtError

# Entity sets every table must deliver for the load to make sense.
REQUIRED_SETS = ("TableInfos", "DataProperties", "TypedDataSet")
_OPTIONS_LOCK = threading.Lock()  # cbsodata keeps its host in module globals


@dataclass(frozen=True)
class ClientOptions:
    attempts: int = 3
    backoff_seconds: float = 1.0  # doubled after every failed attempt
    timeout_seconds: float = 60.0

    @classmethod
    def from_env(cls) -> ClientOptions:
        """ZICHT_CBS_ATTEMPTS, ZICHT_CBS_BACKOFF_SECONDS, ZICHT_CBS_TIMEOUT_SECONDS."""
        return cls(
            attempts=int(os.environ.get("ZICHT_CBS_ATTEMPTS", cls.attempts)),
            backoff_seconds=float(os.environ.get("ZICHT_CBS_BACKOFF_SECONDS", cls.backoff_seconds)),
            timeout_seconds=float(os.environ.get("ZICHT_CBS_TIMEOUT_SECONDS", cls.timeout_seconds)),
        )


class CbsDownloadError(ZichtError, RuntimeError):
    def __init__(self, table_id: str, url: str, attempts: int, cause: BaseException):
        self.table_id = table_id
        self.url = url
        self.attempts = attempts
        super().__init__(
            f"CBS table {table_id}: download failed after {attempts} attempt(s) at {url}: "
            f"{type(cause).__name__}: {cause}"
        )


def table_url(host: str, https: bool, table_id: str) -> str:
    return f"{'https' if https else 'http'}://{host}/ODataFeed/odata/{table_id}/"


def _failing_url(error: BaseException, fallback: str) -> str:
    """The URL of the request that failed, found along the exception chain."""
    seen = error
    while seen is not None:
        for attr in ("response", "request"):
            url = getattr(getattr(seen, attr, None), "url", None)
            if url:
                return url
        seen = seen.__cause__ or seen.__context__
    return fallback


@contextmanager
def _cbsodata_host(host: str, https: bool):
    with _OPTIONS_LOCK:
        old_host, old_https = cbsodata.options.catalog_url, cbsodata.options.use_https
        cbsodata.options.catalog_url = host
        cbsodata.options.use_https = https
        try:
            yield
        finally:
            cbsodata.options.catalog_url = old_host
            cbsodata.options.use_https = old_https


def _check_shape(table_id: str, data: dict) -> None:
    missing = [name for name in REQUIRED_SETS if name not in data]
    if missing:
        raise ValueError(f"service document of {table_id} lacks entity sets {missing}")
    if not data["TableInfos"] or not data["DataProperties"]:
        raise ValueError(f"{table_id} delivered empty TableInfos or DataProperties")


def download_table(
    table_id: str,
    host: str,
    https: bool,
    options: ClientOptions | None = None,
    filters: str | None = None,
) -> dict:
    """All entity sets of a table (TypedDataSet, not Untyped) with region codes, not titles.

    `download_data` leaves dimension keys as they are (`get_data` would swap them for titles). Its
    `typed=False` downloads the TypedDataSet: the flag is inverted in cbsodata 1.3.5. `filters` (an
    OData $filter such as `Perioden eq '2023JJ00'`) applies to the data set only, as cbsodata sends it.
    """
    options = options or ClientOptions.from_env()
    url = table_url(host, https, table_id)
    last_error: BaseException | None = None
    for attempt in range(1, options.attempts + 1):
        try:
            with _cbsodata_host(host, https):
                data = cbsodata.download_data(
                    table_id, typed=False, filters=filters, timeout=options.timeout_seconds
                )
            _check_shape(table_id, data)
            return data
        except (requests.RequestException, ValueError, KeyError, TypeError) as error:
            # ValueError covers a page that is not JSON; KeyError/TypeError a page without `value`.
            last_error = error
            if attempt < options.attempts:
                time.sleep(options.backoff_seconds * 2 ** (attempt - 1))
    raise CbsDownloadError(
        table_id, _failing_url(last_error, url), options.attempts, last_error
    ) from last_error
