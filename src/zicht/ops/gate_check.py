"""Did the latest quality gate pass, and if not, is it holding back a publication?"""

from __future__ import annotations

from zicht.ops.report import Area, Finding, attention, ok, parse_moment
from zicht.ops.warehouse_reader import ExpectationOutcome, WarehouseReadout
from zicht.publish import Release

AREA = Area.QUALITY_GATE


def _first_line(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else text
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _failure_message(outcome: ExpectationOutcome) -> str:
    evidence = []
    if outcome.unexpected_count is not None:
        evidence.append(f"{outcome.unexpected_count} unexpected")
    if outcome.observed_value is not None:
        evidence.append(f"observed {outcome.observed_value}")
    if outcome.exception_message:
        evidence.append(f"error: {_first_line(outcome.exception_message, 120)}")
    suffix = f" ({'; '.join(evidence)})" if evidence else ""
    return f"{outcome.dataset}: {outcome.label} failed in run {outcome.run_id}{suffix}"


def _blocked_finding(failures: list[ExpectationOutcome], release: Release | None) -> Finding | None:
    """A failed gate newer than the live release means fresh data is waiting behind it."""
    newest = max(failures, key=lambda outcome: outcome.run_time)
    if release is not None and (
        newest.run_time <= parse_moment(release.created_at) or newest.run_id == release.gate_run_id
    ):
        return None
    failing = ", ".join(sorted({f"{o.dataset}: {o.label}" for o in failures}))
    live = f"release {release.release_id} stays live" if release else "nothing is published"
    return attention(
        AREA,
        "publication_blocked",
        "publication",
        f"publication blocked: gate run {newest.run_id} failed on {failing}; {live}",
        gate_run_id=newest.run_id,
        gate_run_time=newest.run_time.isoformat(),
        release_id=release.release_id if release else None,
        failing=[o.label for o in failures],
    )


def check_gate(readout: WarehouseReadout, release: Release | None) -> list[Finding]:
    if readout.missing:
        return [attention(AREA, "gate_never_ran", "gate", "no warehouse yet, so no quality gate has run")]
    if readout.error is not None:
        return [
            attention(
                AREA,
                "warehouse_unreadable",
                "warehouse",
                "quality results unknown: the warehouse could not be read (a pipeline step may hold it): "
                f"{_first_line(readout.error, 100)}",
                error=readout.error,
            )
        ]
    if not readout.latest:
        return [attention(AREA, "gate_never_ran", "gate", "no quality gate run recorded in the warehouse")]
    runs = sorted({o.run_id for o in readout.latest})
    datasets = sorted({o.dataset for o in readout.latest})
    failures = [o for o in readout.latest if not o.success]
    newest = max(o.run_time for o in readout.latest)
    details = {"run_ids": runs, "datasets": datasets, "run_time": newest.isoformat()}
    if not failures:
        return [
            ok(
                AREA,
                "gate_passed",
                "gate",
                f"gate run {', '.join(runs)} ({newest:%Y-%m-%d %H:%M} UTC): "
                f"all {len(readout.latest)} expectations passed on {', '.join(datasets)}",
                **details,
            )
        ]
    findings = [
        attention(
            AREA,
            "expectation_failed",
            f"{o.dataset}/{o.label}",
            _failure_message(o),
            run_id=o.run_id,
            dataset=o.dataset,
            expectation_type=o.expectation_type,
            column=o.column_name,
            unexpected_count=o.unexpected_count,
            observed_value=o.observed_value,
        )
        for o in failures
    ]
    blocked = _blocked_finding(failures, release)
    return ([blocked] if blocked else []) + findings
