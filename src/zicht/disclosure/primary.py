"""Primary suppression: which cells a rule forbids, and how uncertain each must stay once hidden."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zicht.disclosure.rules import ClassRule

SAFE, PRIMARY, SECONDARY, EMPTY = "safe", "primary", "secondary", "empty"
SUPPRESSED = (PRIMARY, SECONDARY)


def apply_primary_rules(table: pd.DataFrame, rule: ClassRule) -> pd.DataFrame:
    """Adds `status` (safe, primary, empty), `reason` and `required_width` to a validated table.

    A cell without contributors and value is empty: there is nobody to reveal. A cell with fewer
    contributors than the threshold breaks the frequency rule; a magnitude whose N largest
    contributors exceed K % of it breaks the dominance rule. `required_width` is the width the
    attacker's interval of a primary cell must keep: the class minimum, and for dominance at least
    the amount by which the cell must seem larger before its largest contributors fall under K %.
    """
    out = table.copy()
    empty = (out["value"] == 0) & (out["contributors"] == 0)
    too_few = ~empty & (out["contributors"] < rule.min_frequency)
    dominance_level = pd.Series(0.0, index=out.index)
    dominated = pd.Series(False, index=out.index)
    if rule.has_dominance:
        largest = out["top1"] + (out["top2"] if rule.dominance_n == 2 else 0)
        dominated = ~empty & ~too_few & (largest > out["value"] * rule.dominance_k / 100)
        dominance_level = (largest * 100 / rule.dominance_k - out["value"]).clip(lower=0)
    out["status"] = np.select([empty, too_few | dominated], [EMPTY, PRIMARY], SAFE)
    out["reason"] = np.select([too_few, dominated], ["primary_frequency", "primary_dominance"], None).astype(
        object
    )
    out["reason"] = out["reason"].where(out["reason"].notna(), None)
    out["required_width"] = np.where(
        out["status"] == PRIMARY, np.maximum(rule.min_width, np.where(dominated, dominance_level, 0.0)), 0.0
    )
    return out


def protection_levels(value: float, required_width: float) -> tuple[float, float]:
    """Lower and upper protection levels whose sum is the required width, never reaching below zero.

    An interval that contains [value - lower, value + upper] with both levels positive keeps the
    value strictly inside and is at least `required_width` wide.
    """
    lower = min(value, required_width / 2)
    return lower, required_width - lower
