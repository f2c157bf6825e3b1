"""The publication gate: every published dataset passes its quality suite, or nothing is published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from expectations import SUITES
from zicht.errors import ZichtError
from zicht.publish import MARTS_SCHEMA, Release, publish
from zicht.quality.checkpoint import CheckpointOutcome, run_checkpoint
from zicht.settings import Settings, get_settings


class GateFailed(ZichtError, RuntimeError):
    """A quality suite failed: the last good publication stays live."""


@dataclass(frozen=True)
class GateResult:
    run_id: str
    outcomes: dict[str, CheckpointOutcome]

    @property
    def passed(self) -> bool:
        return all(outcome.success for outcome in self.outcomes.values())


def published_datasets() -> list[str]:
    """A dataset is published only when it has a quality suite: the suites are the list."""
    return sorted(SUITES)


def run_gate(settings: Settings | None = None, run_id: str | None = None) -> GateResult:
    settings = settings or get_settings()
    run_id = run_id or datetime.now(UTC).strftime("gate-%Y%m%dT%H%M%S%fZ")
    outcomes = {
        dataset: run_checkpoint(
            dataset=dataset,
            warehouse_path=settings.warehouse_path,
            table=f"{MARTS_SCHEMA}.{dataset}",
            docs_dir=settings.quality_dir / "data_docs",
            run_id=run_id,
        )
        for dataset in published_datasets()
    }
    return GateResult(run_id=run_id, outcomes=outcomes)


def require_gate(settings: Settings | None = None) -> GateResult:
    """Run the gate; return its result when every suite passed, else raise GateFailed."""
    result = run_gate(settings)
    if not result.passed:
        failed = sorted(name for name, outcome in result.outcomes.items() if not outcome.success)
        raise GateFailed(
            f"quality gate {result.run_id} failed for {', '.join(failed)}; "
            f"publication blocked, the last good publication stays live"
        )
    return result


def gate_and_publish(settings: Settings | None = None) -> Release:
    """Publish only what passed the gate; raise GateFailed (publishing nothing) when it did not."""
    settings = settings or get_settings()
    result = require_gate(settings)
    return publish(sorted(result.outcomes), gate_run_id=result.run_id, settings=settings)
