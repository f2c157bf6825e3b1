"""The `zicht` command: every pipeline step by hand, the demo, and the operations around them.

An expected failure (a `zicht.errors.ZichtError`: bad input, a source that did not answer, a refused
step) ends the command with one line on stderr and a non-zero exit code; anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from zicht.errors import ZichtError, existing_file
from zicht.settings import get_settings


def _generate(args: argparse.Namespace) -> int:
    from zicht.synth import generate

    settings = get_settings()
    scale = args.scale or settings.scale
    seed = args.seed if args.seed is not None else settings.seed
    out_dir = settings.data_dir / "synthetic" / scale
    print(generate(scale, seed, out_dir))
    return 0


def _generate_extracts(args: argparse.Namespace) -> int:
    from zicht.extracts.inbox import drop_into_inboxes
    from zicht.synth.extract_files import generate_extracts

    settings = get_settings()
    out_dir = settings.synthetic_dir / "extracts"
    files = generate_extracts(settings.scale, settings.seed, settings.synthetic_dir, out_dir)
    for path in files:
        print(path)
    if args.to_inbox:
        drop_into_inboxes(files, settings)
        print(f"copied {len(files)} files into {settings.data_dir / 'inbox'}")
    return 0


def _land_extracts(args: argparse.Namespace) -> int:
    from zicht.extracts import land_inbox
    from zicht.extracts.schemas import SCHEMAS

    outcomes = [outcome for source in args.source or list(SCHEMAS) for outcome in land_inbox(source)]
    for outcome in outcomes:
        print(json.dumps(outcome.summary()))
    return 0 if all(outcome.outcome in {"loaded", "duplicate"} for outcome in outcomes) else 1


def _land_statline(args: argparse.Namespace) -> int:
    from zicht.statline import land_statline_file

    results = land_statline_file(existing_file(args.file, "StatLine download"), table_id=args.table_id)
    for result in results:
        print(json.dumps(result.summary()))
    return 0


def _land_shapes(args: argparse.Namespace) -> int:
    from zicht.shapes import land_shapes_file

    result = land_shapes_file(existing_file(args.file, "wijk- en buurtkaart file"), year=args.year)
    print(json.dumps(result.summary()))
    return 0


def _serve_cbs(args: argparse.Namespace) -> int:
    from zicht.odata import serve_forever

    serve_forever(get_settings().synthetic_dir, host=args.host, port=args.port)
    return 0


def _ingest_cbs(args: argparse.Namespace) -> int:
    from zicht.cbs import ingest_cbs_tables

    for result in ingest_cbs_tables(args.table or None):
        print(json.dumps(result.summary()))
    return 0


def _build(args: argparse.Namespace) -> int:
    from zicht.transform import build_warehouse

    print(build_warehouse())
    return 0


def _gate(args: argparse.Namespace) -> int:
    from zicht.gate import run_gate

    result = run_gate()
    for dataset, outcome in result.outcomes.items():
        print(f"{dataset}: {'passed' if outcome.success else 'FAILED'}")
    return 0 if result.passed else 1


def _publish(args: argparse.Namespace) -> int:
    from zicht.gate import gate_and_publish

    release = gate_and_publish()
    print(json.dumps(asdict(release), indent=2))
    return 0


def _releases(args: argparse.Namespace) -> int:
    from zicht.publish import list_releases, live_release_id

    releases, live = list_releases(), live_release_id()
    if args.json:
        listed = [{**asdict(release), "live": release.release_id == live} for release in releases]
        print(json.dumps(listed, indent=2))
        return 0
    if not releases:
        print(f"no releases under {get_settings().published_dir / 'releases'}")
        return 0
    print(f"{'':6}{'release':<24}{'created (UTC)':<21}{'gate run':<32}{'audit':<9}tables (rows)")
    for release in releases:
        marker = "live" if release.release_id == live else ""
        audit = (release.disclosure_audit or {}).get("verdict", "none")
        tables = ", ".join(f"{name} {rows:,}" for name, rows in sorted(release.tables.items()))
        created = release.created_at[:19].replace("T", " ")
        print(f"{marker:<6}{release.release_id:<24}{created:<21}{release.gate_run_id:<32}{audit:<9}{tables}")
    if live is None:
        print(f"no kept release matches the live file {get_settings().published_path}")
    return 0


def _rollback(args: argparse.Namespace) -> int:
    from zicht.publish import rollback
    from zicht.release_audit import ReleaseRefused

    try:
        outcome = rollback(args.release_id, previous=args.previous, by=args.by)
    except ReleaseRefused as error:
        raise ZichtError(f"rollback refused: {error.one_line()}; the live release is unchanged") from error
    if not outcome.changed:
        print(f"release {outcome.to_release} is live already; nothing changed")
    else:
        record = outcome.record
        print(
            f"rolled back from {record['from_release'] or 'an unknown file'} to {record['to_release']} "
            f"(by {record['by']} at {record['at']}), recorded in "
            f"{get_settings().published_dir / 'releases' / 'live_history.jsonl'}"
        )
    return 0


def _status(args: argparse.Namespace) -> int:
    from zicht.ops.alerts import alert_from_health
    from zicht.ops.health import collect_health
    from zicht.ops.status_text import render_status

    report = collect_health()
    if args.alert:
        alert_from_health(report)
    print(json.dumps(report.as_dict(), indent=2) if args.json else render_status(report))
    # 0 all ok, 1 something needs attention, 2 the state could not be read: usable from cron and CI.
    if report.unreadable:
        return 2
    return 1 if report.needs_attention else 0


def _ops_export(args: argparse.Namespace) -> int:
    from zicht.ops.export import export_ops

    exported = export_ops()
    print(f"{exported.path}: {json.dumps(exported.tables, sort_keys=True)}")
    if exported.warehouse_error:
        print(exported.warehouse_error, file=sys.stderr)
    return 0


def _docs(args: argparse.Namespace) -> int:
    from zicht.docs_site import build_docs, serve_docs

    site = build_docs()
    print(f"built {site}")
    if not args.no_serve:
        serve_docs(site, port=args.port)
    return 0


def _bench(args: argparse.Namespace) -> int:
    from zicht.bench import run

    run(disclosure_only=args.disclosure_only)
    return 0


def _bench_airflow(args: argparse.Namespace) -> int:
    from zicht.bench import write_section
    from zicht.bench_airflow import markdown, run

    settings = get_settings()
    result = run(settings.scale, settings.seed)
    lines = markdown(result, f"ZICHT_SCALE={settings.scale} zicht bench-airflow")
    print("\n".join(lines))
    if args.write:
        write_section("bench-airflow", lines)
    return 0


def _bench_superset(args: argparse.Namespace) -> int:
    from zicht.bench import write_section
    from zicht.superset.bench import markdown, run_private

    settings = get_settings()
    if not settings.published_path.exists():
        print(f"{settings.published_path} does not exist: publish first (zicht publish)", file=sys.stderr)
        return 1
    ops = settings.ops_path if settings.ops_path.exists() else None
    result = run_private(
        settings.published_path, ops, settings.scale, None, args.dashboard_rounds, args.query_rounds
    )
    command = "zicht bench-superset" + (
        f" --dashboard-rounds {args.dashboard_rounds} --query-rounds {args.query_rounds}"
        if (args.dashboard_rounds, args.query_rounds) != (3, 5)
        else ""
    )
    lines = markdown(result, f"ZICHT_SCALE={settings.scale} {command}")
    print("\n".join(lines))
    if args.write:
        write_section("bench-superset", lines)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from zicht.demo import main

    return main(wait=not args.no_wait)


def _stop(args: argparse.Namespace) -> int:
    from zicht.demo import stop_demo

    stop_demo()
    return 0


def _airflow(args: argparse.Namespace) -> int:
    from zicht.airflow_runtime import airflow_environment, airflow_executable
    from zicht.ops.config import RUN_DEADLINES_SETTING

    env = {**os.environ, **airflow_environment()}
    if args.airflow_args[:2] == ["dags", "test"]:
        # Airflow 3.3's `dags test` cannot finish a run of a DAG with a deadline alert (it looks the
        # alert up by an id only the DAG processor assigns); the scheduler path is unaffected.
        env[RUN_DEADLINES_SETTING] = "off"
    os.execve(str(airflow_executable()), ["airflow", *args.airflow_args], env)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zicht", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="generate the synthetic Netherlands")
    generate.add_argument("--scale", choices=["demo", "national"])
    generate.add_argument("--seed", type=int)
    generate.set_defaults(handler=_generate)

    extracts = commands.add_parser(
        "generate-extracts", help="write synthetic KvK and OM extract files for the generated Netherlands"
    )
    extracts.add_argument("--to-inbox", action="store_true", help="also drop them into data/inbox/<source>/")
    extracts.set_defaults(handler=_generate_extracts)

    land = commands.add_parser("land-extracts", help="land and load the files waiting in the inboxes")
    land.add_argument("source", nargs="*", help="kvk, om, herindeling (default: all)")
    land.set_defaults(handler=_land_extracts)

    statline = commands.add_parser(
        "land-statline", help="land a CBS table downloaded from StatLine (CSV met statistische symbolen)"
    )
    statline.add_argument("file")
    statline.add_argument(
        "--table-id",
        help="CBS table id (or ID:PERIOD), when the file name does not tell it (docs/statline.md)",
    )
    statline.set_defaults(handler=_land_statline)

    shapes = commands.add_parser(
        "land-shapes", help="land a wijk- en buurtkaart GeoJSON file (CBS/PDOK, WGS84) and load it into raw"
    )
    shapes.add_argument("file")
    shapes.add_argument("--year", type=int, help="year of the kaart, when the file name does not hold it")
    shapes.set_defaults(handler=_land_shapes)

    serve = commands.add_parser("serve-cbs", help="serve the synthetic CBS tables over OData v3")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.set_defaults(handler=_serve_cbs)

    ingest = commands.add_parser(
        "ingest-cbs", help="land and load CBS tables (all of the catalog by default)"
    )
    ingest.add_argument(
        "table", nargs="*", help="CBS table ids, e.g. 85984NED, or one period: 47022NED:2023JJ00"
    )
    ingest.set_defaults(handler=_ingest_cbs)

    commands.add_parser("build", help="dbt build the warehouse").set_defaults(handler=_build)
    commands.add_parser("gate", help="run the quality suites without publishing").set_defaults(handler=_gate)
    commands.add_parser("publish", help="run the quality gate and publish").set_defaults(handler=_publish)
    releases = commands.add_parser(
        "releases", help="list publications: created, gate run, audit verdict, tables; the live one marked"
    )
    releases.add_argument("--json", action="store_true", help="print the releases as JSON")
    releases.set_defaults(handler=_releases)

    rollback = commands.add_parser(
        "rollback", help="make an earlier release live again (checked, recorded): exit 0 done, 1 refused"
    )
    target = rollback.add_mutually_exclusive_group(required=True)
    target.add_argument("release_id", nargs="?", help="the release to make live (see `zicht releases`)")
    target.add_argument("--previous", action="store_true", help="the release before the live one")
    rollback.add_argument("--by", help="who rolls back, for the log (default: the login name)")
    rollback.set_defaults(handler=_rollback)

    status = commands.add_parser(
        "status", help="pipeline health: exit 0 all ok, 1 needs attention, 2 state unreadable"
    )
    status.add_argument("--json", action="store_true", help="print the report as JSON")
    status.add_argument("--alert", action="store_true", help="also record (and send) alerts, once a day each")
    status.set_defaults(handler=_status)

    commands.add_parser(
        "ops-export", help="rebuild the operations file for the Pipelinekwaliteit dashboard (ops.duckdb)"
    ).set_defaults(handler=_ops_export)

    docs = commands.add_parser("docs", help="build (and serve) the dbt docs and the Data Docs")
    docs.add_argument("--no-serve", action="store_true")
    docs.add_argument("--port", type=int, default=8081)
    docs.set_defaults(handler=_docs)

    bench = commands.add_parser("bench", help="national-scale benchmarks into docs/benchmarks.md")
    bench.add_argument(
        "--disclosure-only",
        type=Path,
        metavar="DATA_DIR",
        help="only the disclosure-control steps, on the national warehouse already built in DATA_DIR",
    )
    bench.set_defaults(handler=_bench)

    bench_airflow = commands.add_parser(
        "bench-airflow",
        help="time the whole pipeline through Airflow (make demo up to the publication), fresh data folder",
    )
    bench_airflow.add_argument(
        "--write", action="store_true", help="put the figures into docs/benchmarks.md (its own section)"
    )
    bench_airflow.set_defaults(handler=_bench_airflow)

    bench_superset = commands.add_parser(
        "bench-superset",
        help="time the dashboards in Chromium and the chart queries, against the current published file",
    )
    bench_superset.add_argument("--dashboard-rounds", type=int, default=3, help="openings per dashboard")
    bench_superset.add_argument("--query-rounds", type=int, default=5, help="replays per chart query")
    bench_superset.add_argument(
        "--write", action="store_true", help="put the figures into docs/benchmarks.md (its own section)"
    )
    bench_superset.set_defaults(handler=_bench_superset)

    demo = commands.add_parser("demo", help="run the whole stack (make demo)")
    demo.add_argument("--no-wait", action="store_true", help="leave the services running and return")
    demo.set_defaults(handler=_demo)
    commands.add_parser("stop", help="stop every service the demo started").set_defaults(handler=_stop)

    airflow = commands.add_parser("airflow", help="run the airflow CLI with the embedded configuration")
    airflow.add_argument("airflow_args", nargs=argparse.REMAINDER)
    airflow.set_defaults(handler=_airflow)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ZichtError as error:
        print(f"zicht {args.command}: {error.one_line()}", file=sys.stderr)
        return error.exit_code


if __name__ == "__main__":
    sys.exit(main())
