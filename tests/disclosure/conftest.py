"""Small hand-made region tables with known answers."""

from __future__ import annotations

import pandas as pd
import pytest

from zicht.disclosure.rules import load_rules

LEVEL_BY_PREFIX = {
    "NL": "nederland", "PV": "provincie", "RI": "riec", "GM": "gemeente", "WK": "wijk", "BU": "buurt"
}  # fmt: skip

# Two provinces and two RIEC regions cutting across them, four gemeenten; GM0001 and GM0002 have
# wijken, the wijken of GM0001 have buurten.
PARENTS = {
    "PV20": "NL00", "PV21": "NL00", "RIEC01": "NL00", "RIEC02": "NL00",
    "GM0001": "PV20", "GM0002": "PV20", "GM0003": "PV21", "GM0004": "PV21",
    "WK000101": "GM0001", "WK000102": "GM0001",
    "WK000201": "GM0002", "WK000202": "GM0002", "WK000203": "GM0002",
    "BU00010101": "WK000101", "BU00010102": "WK000101", "BU00010103": "WK000101",
    "BU00010201": "WK000102", "BU00010202": "WK000102",
}  # fmt: skip
RIEC = {"GM0001": "RIEC01", "GM0003": "RIEC01", "GM0002": "RIEC02", "GM0004": "RIEC02"}
LEAVES = {
    "BU00010101": 40, "BU00010102": 25, "BU00010103": 60, "BU00010201": 35, "BU00010202": 45,
    "WK000201": 50, "WK000202": 70, "WK000203": 80,
    "GM0003": 300, "GM0004": 250,
}  # fmt: skip


def build_table(leaves: dict[str, float], contributors: dict[str, int] | None = None) -> pd.DataFrame:
    """The whole table from its leaf values: every total the exact sum of its parts.

    Contributors default to the value (persons are counted one by one) and add up like values.
    """
    value = {code: 0.0 for code in [*PARENTS, "NL00"]}
    units = dict.fromkeys(value, 0)
    for code, leaf in leaves.items():
        count = leaf if contributors is None else contributors[code]
        node = code
        while node is not None:
            value[node] += leaf
            units[node] += count
            node = PARENTS.get(node)
            if node is not None and node.startswith("RIEC"):
                node = None
        riec = RIEC.get(_gemeente(code))
        if riec is not None:
            value[riec] += leaf
            units[riec] += count
    rows = [
        {
            "region_code": code,
            "region_level": LEVEL_BY_PREFIX[code[:2]],
            "parent_code": PARENTS.get(code),
            "riec_code": RIEC.get(code),
            "value": value[code],
            "contributors": units[code],
        }
        for code in value
    ]
    return pd.DataFrame(rows)


def _gemeente(code: str) -> str | None:
    while code is not None and not code.startswith("GM"):
        code = PARENTS.get(code)
    return code


@pytest.fixture
def rules():
    return load_rules({"ZICHT_SDC_WORKERS": "1"})


@pytest.fixture
def leaves():
    return dict(LEAVES)
