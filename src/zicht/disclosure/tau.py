"""Secondary suppression of one hierarchical table with tau-ARGUS (pytauargus, OPT with HiGHS).

The table goes in as tau-ARGUS tabular input: a `.tab` of cells with their value, frequency, given
status (S safe, U unsafe, P protected, i.e. published and fixed) and protection levels, a `.rda`
describing it, a `.hrc` with the hierarchy under the total, and a batch `.arb` that reads the table
with an additivity check, runs `OPT` and writes the result back. `audit_intervals` runs tau-ARGUS's
own audit on such a table instead.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pytauargus.engine import run_batch
from pytauargus.result import parse_simple_tab

logging.getLogger("pytauargus").setLevel(logging.WARNING)

SAFE, UNSAFE, FIXED, SECONDARY = "S", "U", "P", "M"

METADATA = """<SEPARATOR> ";"
<SAFE> "S"
<UNSAFE> "U"
<PROTECT> "P"
region "" ""
  <RECODEABLE>
  <TOTCODE> "{total}"
  <HIERARCHICAL>
  <HIERCODELIST> "regions.hrc"
  <HIERLEADSTRING> "@"
value "" ""
  <NUMERIC>
frequency "" ""
  <FREQUENCY>
given_status "" ""
  <STATUS>
lower_level "" ""
  <NUMERIC> <LOWERPL>
upper_level "" ""
  <NUMERIC> <UPPERPL>
"""

READ = """<OPENTABLEDATA> "cells.tab"
<OPENMETADATA> "cells.rda"
<SPECIFYTABLE> "region"|"value"||
<SAFETYRULE>
<READTABLE> 0
"""
SUPPRESS = """<SUPPRESS> OPT(1)
<WRITETABLE> (1,5,"SO+","protected.tab")
"""


class TauArgusError(RuntimeError):
    """tau-ARGUS could not protect a table."""


@dataclass(frozen=True)
class TauCell:
    value: float
    frequency: int
    given_status: str  # SAFE, UNSAFE or FIXED
    lower_level: float = 0.0
    upper_level: float = 0.0


def _hierarchy_lines(total: str, children: Mapping[str, Sequence[str]]) -> list[str]:
    lines: list[str] = []
    stack = [(code, 0) for code in reversed(children.get(total, ()))]
    while stack:
        code, depth = stack.pop()
        lines.append("@" * depth + code)
        stack.extend((child, depth + 1) for child in reversed(children.get(code, ())))
    return lines


def _write_table(
    folder: Path, total: str, children: Mapping[str, Sequence[str]], cells: Mapping[str, TauCell], batch: str
) -> list[str]:
    """Writes the tabular input and the batch; returns the codes in the engine's cell order."""
    hierarchy = _hierarchy_lines(total, children)
    (folder / "regions.hrc").write_text("\n".join(hierarchy) + "\n")
    (folder / "cells.rda").write_text(METADATA.format(total=total))
    (folder / "cells.tab").write_text(
        "".join(
            f"{code};{float(cell.value)!r};{int(cell.frequency)};{cell.given_status};"
            f"{float(cell.lower_level)!r};{float(cell.upper_level)!r}\n"
            for code, cell in cells.items()
        )
    )
    (folder / "batch.arb").write_text(batch)
    return [total] + [line.lstrip("@") for line in hierarchy]


def secondary_suppression(
    total: str, children: Mapping[str, Sequence[str]], cells: Mapping[str, TauCell], label: str
) -> set[str]:
    """The codes tau-ARGUS suppresses as complements so that every unsafe cell keeps its protection.

    `children` gives the hierarchy below `total`; `cells` has one entry for every code in it.
    """
    if not any(cell.given_status == UNSAFE for cell in cells.values()):
        return set()
    with tempfile.TemporaryDirectory(prefix="zicht-tau-") as work:
        folder = Path(work)
        _write_table(folder, total, children, cells, READ + SUPPRESS)
        try:
            with contextlib.chdir(folder):  # the engine writes its solver logs to the working directory
                run_batch(folder / "batch.arb")
            rows = parse_simple_tab(folder / "protected.tab", ["region"], "value")
        except Exception as error:  # the engine raises several types; name the table either way
            raise TauArgusError(f"tau-ARGUS failed on {label} (total {total}): {error}") from error
    suppressed = {str(row["region"]) or total for row in rows if row["status"] == "M"}
    return _with_single_children(children, cells, suppressed)


def _with_single_children(
    children: Mapping[str, Sequence[str]], cells: Mapping[str, TauCell], suppressed: set[str]
) -> set[str]:
    """`suppressed` plus the cells that equal a hidden cell as its only child or as its parent.

    tau-ARGUS takes a code with a single subcode, or a single one that is not empty (zero value and
    frequency), as one cell with it and reports the status of the pair on one of the two codes only
    (a province with one gemeente, a gemeente with one wijk); the other, published, would give the
    hidden one away.
    """
    hidden = suppressed | {code for code, cell in cells.items() if cell.given_status == UNSAFE}
    twins = []
    for total, parts in children.items():
        filled = [part for part in parts if cells[part].value or cells[part].frequency]
        if len(filled) == 1:
            twins.append((total, filled[0]))
    changed = True
    while changed:
        changed = False
        for pair in twins:
            if len(hidden.intersection(pair)) == 1 and not any(cells[c].given_status == FIXED for c in pair):
                hidden |= set(pair)
                changed = True
    return {code for code in hidden if cells[code].given_status != UNSAFE}


def audit_intervals(
    total: str, children: Mapping[str, Sequence[str]], cells: Mapping[str, TauCell]
) -> dict[str, tuple[float, float]]:
    """tau-ARGUS's own audit of one hierarchical table whose unsafe (U) and secondary (M) cells are
    given: the interval an attacker deduces for each of them from this table alone."""
    with tempfile.TemporaryDirectory(prefix="zicht-tau-") as work:
        folder = Path(work)
        order = _write_table(folder, total, children, cells, READ)
        with contextlib.chdir(folder):
            rows = run_batch(folder / "batch.arb").audit(0)
        return {order[row["cell"]]: (float(row["min"]), float(row["max"])) for row in rows}
