"""How fast the dashboards are: a benchmark, not a test (the machine is shared; compare within a run).

Two figures, against a published file:
- per dashboard, the time from opening its address in headless Chromium until every chart shows
  data (or an error): the first opening (chart data not cached) and the median of the repeats;
- per chart query, the latency of POST /api/v1/chart/data. Imported charts have no saved query
  context, so the queries are the ones the dashboards themselves sent while opening (with their
  native filters' defaults), captured in the browser and replayed with `force` so that Superset's
  data cache is bypassed and every round runs the SQL on DuckDB again.

`zicht bench-superset` runs it in a private Superset against the current published file;
`make bench` runs it at national scale (zicht.bench).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import duckdb
import requests

from zicht.machine_load import describe_moments, machine_load
from zicht.superset.browser import (
    chart_errors,
    cookie_session,
    launch_chromium,
    log_in,
    wait_until_charts_settled,
)
from zicht.superset.bundle import read_bundle
from zicht.superset.credentials import analyst_password
from zicht.superset.environment import SupersetEnvironment

DASHBOARD_TARGET_SECONDS = 5.0
QUERY_P95_TARGET_MS = 300.0
# The two ways Superset 6's frontend asks for chart data: the chart data API (charts with a
# buildQuery) and the legacy endpoint that some visualisations still use.
CHART_DATA_PATHS = ("/api/v1/chart/data", "/superset/explore_json/")
# A dashboard that does not settle in this time is reported as not rendered, so one stuck chart
# cannot stall the whole run (a demo run once waited on the Indicatorkaart until interrupted).
RENDER_TIMEOUT_MS = 90_000


@dataclass(frozen=True)
class DashboardTiming:
    slug: str
    title: str
    charts: int
    first_seconds: float
    repeat_seconds: list[float]
    errors: list[str]

    @property
    def repeat_median(self) -> float | None:
        return statistics.median(self.repeat_seconds) if self.repeat_seconds else None


@dataclass(frozen=True)
class ChartRequest:
    """One chart-data request exactly as the dashboard sent it."""

    dashboard: str
    url: str
    body: str | None


@dataclass
class SupersetBench:
    scale: str
    published_mib: float
    rows: dict[str, int]
    setup_seconds: dict[str, float]
    dashboards: list[DashboardTiming] = field(default_factory=list)
    query_ms: dict[str, list[float]] = field(default_factory=dict)  # request label -> latencies
    # The same requests as a RIEC analyst: their region's file, every statement through the guard.
    analyst_query_ms: dict[str, list[float]] = field(default_factory=dict)
    query_rounds: int = 0
    # How busy the shared machine was before and after the measurements (zicht.machine_load).
    machine: dict[str, dict] = field(default_factory=dict)

    def all_latencies(self, analyst: bool = False) -> list[float]:
        measured = self.analyst_query_ms if analyst else self.query_ms
        return [ms for latencies in measured.values() for ms in latencies]

    def to_json(self) -> dict:
        data = asdict(self)
        data["dashboards"] = [asdict(d) for d in self.dashboards]
        return data

    @classmethod
    def from_json(cls, data: dict) -> SupersetBench:
        dashboards = [DashboardTiming(**d) for d in data.pop("dashboards")]
        return cls(**data, dashboards=dashboards)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share 0.95 for p95): a value that was measured, not interpolated."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil without importing math
    return ordered[int(rank) - 1]


def bundle_dashboards() -> list[tuple[str, str, int]]:
    """(slug, title, number of charts placed) of every dashboard in the bundle."""
    found = []
    for path, config in read_bundle().items():
        if path.startswith("dashboards/"):
            charts = sum(
                1
                for node in config["position"].values()
                if isinstance(node, dict) and node.get("type") == "CHART"
            )
            found.append((config["slug"], config["dashboard_title"], charts))
    return sorted(found)


def published_facts(published: Path) -> tuple[float, dict[str, int]]:
    """Size of the published file and the row counts of its largest tables, for the report."""
    with duckdb.connect(str(published), read_only=True) as con:
        rows = {
            table: con.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0]
            for table in ("indicator_values", "signal_map", "region_shapes", "region_population")
        }
    return published.stat().st_size / 2**20, rows


def _open_dashboards(
    env: SupersetEnvironment, rounds: int
) -> tuple[list[DashboardTiming], list[ChartRequest], dict[str, str]]:
    """Open every dashboard `rounds` times as the admin. Returns the timings, the chart-data requests
    of the first opening of each dashboard, and the browser's cookies (for replaying them)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    timings: list[DashboardTiming] = []
    captured: list[ChartRequest] = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context(viewport={"width": 1600, "height": 2800})
            page = context.new_page()
            page.set_default_timeout(120_000)
            log_in(page, env)
            for slug, title, chart_count in bundle_dashboards():
                seconds: list[float] = []
                errors: list[str] = []
                for round_number in range(rounds):
                    current = slug

                    def record(request, dashboard=current, first=round_number == 0):
                        if (
                            first
                            and request.method == "POST"
                            and any(path in request.url for path in CHART_DATA_PATHS)
                        ):
                            captured.append(ChartRequest(dashboard, request.url, request.post_data))

                    page.on("request", record)
                    started = time.perf_counter()
                    page.goto(f"{env.base_url}/superset/dashboard/{slug}/", wait_until="commit")
                    try:
                        wait_until_charts_settled(page, chart_count, RENDER_TIMEOUT_MS, allow_empty=True)
                        seconds.append(round(time.perf_counter() - started, 2))
                    except PlaywrightError as error:
                        errors.append(f"not rendered within {RENDER_TIMEOUT_MS / 1000:.0f} s: {error}")
                        seconds.append(RENDER_TIMEOUT_MS / 1000)
                    errors += chart_errors(page)
                    page.remove_listener("request", record)
                    # Leave before the next opening. Not "wait for network idle": the maps keep asking
                    # for tiles (refused offline), so the network never goes idle on them.
                    page.goto("about:blank")
                    print(f"  {slug} round {round_number + 1}: {seconds[-1]:.2f} s", flush=True)
                timings.append(DashboardTiming(slug, title, chart_count, seconds[0], seconds[1:], errors))
            cookies = {cookie["name"]: cookie["value"] for cookie in context.cookies()}
        finally:
            browser.close()
    return timings, captured, cookies


def _forced(request: ChartRequest) -> tuple[str, str | None]:
    """The request with Superset's cache bypassed (`force`), in the body or the address."""
    if "/api/v1/chart/data" in request.url and request.body:
        body = json.loads(request.body)
        body["force"] = True
        return request.url, json.dumps(body)
    parts = urlsplit(request.url)
    query = dict(parse_qsl(parts.query)) | {"force": "true"}
    return urlunsplit(parts._replace(query=urlencode(query))), request.body


def _label(request: ChartRequest) -> str:
    """A readable name per request: dashboard and the chart's slice id from the form data."""
    query = dict(parse_qsl(urlsplit(request.url).query))
    slice_id = json.loads(query.get("form_data", "{}")).get("slice_id", "?")
    return f"{request.dashboard} #{slice_id}"


# The analyst whose scope the second replay measures.
BENCH_ANALYST = "riec-rotterdam"


def _replay(
    env: SupersetEnvironment,
    requests_: list[ChartRequest],
    rounds: int,
    cookies: dict | None = None,
    session: requests.Session | None = None,
) -> dict:
    """Replay the requests in the admin's browser session (`cookies`) or in `session`; a request the
    session may not make (a dashboard that is not the analyst's) is left out."""
    if session is None:
        session = requests.Session()
        session.cookies.update(cookies or {})
        csrf = session.get(f"{env.base_url}/api/v1/security/csrf_token/", timeout=60).json()["result"]
        session.headers.update({"X-CSRFToken": csrf, "Referer": env.base_url})
    latencies: dict[str, list[float]] = {}
    for _ in range(rounds):
        for request in requests_:
            url, body = _forced(request)
            headers = (
                {"Content-Type": "application/json"}
                if "/api/v1/" in url
                else {"Content-Type": "application/x-www-form-urlencoded"}
            )
            started = time.perf_counter()
            response = session.post(url, data=body, headers=headers, timeout=120)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code == 403 and cookies is None:
                continue
            if response.status_code != 200:
                raise RuntimeError(f"{_label(request)}: {response.status_code} {response.text[:500]}")
            latencies.setdefault(_label(request), []).append(round(elapsed, 1))
    return latencies


def measure(
    env: SupersetEnvironment,
    scale: str,
    setup_seconds: dict[str, float],
    dashboard_rounds: int = 3,
    query_rounds: int = 5,
) -> SupersetBench:
    size, rows = published_facts(env.settings.published_path)
    result = SupersetBench(scale, round(size, 1), rows, setup_seconds, query_rounds=query_rounds)
    result.machine["before"] = machine_load().to_json()
    print(f"Superset bench ({scale}): {len(bundle_dashboards())} dashboards, {dashboard_rounds} rounds")
    result.dashboards, captured, cookies = _open_dashboards(env, dashboard_rounds)
    print(f"  replaying {len(captured)} chart queries x {query_rounds} rounds", flush=True)
    result.query_ms = _replay(env, captured, query_rounds, cookies=cookies)
    print(f"  replaying them as {BENCH_ANALYST}", flush=True)
    analyst = cookie_session(env.base_url, BENCH_ANALYST, analyst_password(env.settings))
    result.analyst_query_ms = _replay(env, captured, query_rounds, session=analyst)
    result.machine["after"] = machine_load().to_json()
    return result


def run_private(
    published: Path,
    ops: Path | None,
    scale: str,
    out: Path | None = None,
    dashboard_rounds: int = 3,
    query_rounds: int = 5,
) -> SupersetBench:
    """Set up a private Superset on `published`, measure, stop it; optionally keep the JSON in `out`."""
    from zicht.superset.private_instance import private_superset

    with tempfile.TemporaryDirectory(prefix="zicht-superset-bench-") as tmp:
        started = time.perf_counter()
        with private_superset(Path(tmp), published, ops) as (env, setup_seconds):
            setup_seconds = {**setup_seconds, "total": round(time.perf_counter() - started, 1)}
            result = measure(env, scale, setup_seconds, dashboard_rounds, query_rounds)
    if out:
        out.write_text(json.dumps(result.to_json(), indent=1))
    return result


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def _machine_lines(machine: dict[str, dict]) -> list[str]:
    if not machine:
        return []
    return [
        f"The machine (shared, 2 cores) during the run, {describe_moments(machine)}. The reference "
        "workload is a fixed single-threaded loop: when it takes longer, the cores were shared, and render "
        "times grow with it.",
        "",
    ]


def _latency_row(who: str, latencies: list[float]) -> str:
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    return (
        f"| {who} | {len(latencies)} | {p50:.0f} ms | {p95:.0f} ms | {max(latencies):.0f} ms "
        f"| {_met(p95 <= QUERY_P95_TARGET_MS)} |"
    )


def _analyst_rows(result: SupersetBench) -> list[str]:
    """The analyst's replay, and the admin's on the same requests (the analyst has no Pipelinekwaliteit,
    whose small queries would otherwise pull the admin's figures down)."""
    latencies = result.all_latencies(analyst=True)
    if not latencies:
        return []
    same = [
        ms
        for label, measured in result.query_ms.items()
        if label in result.analyst_query_ms
        for ms in measured
    ]
    return [
        _latency_row("admin, the analyst's requests", same),
        _latency_row(f"{BENCH_ANALYST} (region file, every statement checked)", latencies),
    ]


def markdown(result: SupersetBench, command: str) -> list[str]:
    """The section of docs/benchmarks.md: setup, per-dashboard render times, query latency."""
    latencies = result.all_latencies()
    rows = ", ".join(f"{table} {count:,}" for table, count in result.rows.items())
    setup = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in result.setup_seconds.items())
    lines = [
        f"## Superset: dashboards and chart queries ({result.scale} scale)",
        "",
        f"`{command}`. Published file {result.published_mib:,.0f} MiB ({rows} rows). A private Superset",
        "(gunicorn, 2 workers, SQLite metadata, SimpleCache) on a free port; headless Chromium logged in",
        f"as the admin. Set-up: {setup}.",
        "",
        *_machine_lines(result.machine),
        "Rendered: from opening the dashboard's address until every chart shows data (target at most "
        f"{DASHBOARD_TARGET_SECONDS:.0f} s). First opening: chart data not yet cached; repeats: the "
        "median of the later openings (Superset's data cache answers).",
        "",
        "| dashboard | charts | first opening | repeat (median) | target met | chart errors |",
        "|---|---|---|---|---|---|",
    ]
    for d in result.dashboards:
        repeat = f"{d.repeat_median:.1f} s" if d.repeat_median is not None else "-"
        lines.append(
            f"| {d.title} | {d.charts} | {d.first_seconds:.1f} s | {repeat} | "
            f"{_met(d.first_seconds <= DASHBOARD_TARGET_SECONDS)} | {len(d.errors)} |"
        )
    slowest = sorted(result.query_ms.items(), key=lambda item: -statistics.median(item[1]))[:5]
    lines += [
        "",
        f"Chart queries: the {len(result.query_ms)} chart-data requests the dashboards sent while opening, "
        f"replayed {result.query_rounds} times each with `force` (cache bypassed), one at a time: "
        f"{len(latencies)} requests.",
        "",
        "| as | requests | median | p95 | max | p95 target (300 ms) met |",
        "|---|---|---|---|---|---|",
        _latency_row("admin (full file, unchecked)", latencies),
        *_analyst_rows(result),
        "",
        "Slowest requests (median over the rounds): "
        + "; ".join(f"{label} {statistics.median(ms):.0f} ms" for label, ms in slowest)
        + ".",
        "",
    ]
    return lines
