"""The region codes that exist per year, against which gemeente/wijk/buurt codes in extracts are checked.

Read from the warehouse (`raw.cbs_kerncijfers_wijken_buurten`, as the CBS ingest lands it) when it
is there, otherwise from the synthetic Netherlands' parquet files, or passed in directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

KERNCIJFERS_VIEW = "raw.cbs_kerncijfers_wijken_buurten"
_LEVELS = {"Gemeente": "gemeente", "Wijk": "wijk", "Buurt": "buurt"}


@dataclass(frozen=True)
class RegionList:
    """year -> level (gemeente, wijk, buurt) -> the codes of that year."""

    codes: dict[int, dict[str, frozenset[str]]]
    origin: str

    def __post_init__(self) -> None:
        if not self.codes:
            raise ValueError(f"region list from {self.origin} holds no year")

    @property
    def newest_year(self) -> int:
        return max(self.codes)

    def codes_for(self, year: int, level: str) -> frozenset[str]:
        return self.codes.get(int(year), {}).get(level, frozenset())

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, origin: str) -> RegionList:
        """From rows with year, soort (Gemeente/Wijk/Buurt) and code."""
        codes: dict[int, dict[str, frozenset[str]]] = {}
        frame = frame[frame["soort"].isin(list(_LEVELS))]
        for (year, soort), group in frame.groupby(["year", "soort"]):
            codes.setdefault(int(year), {})[_LEVELS[soort]] = frozenset(group["code"].str.strip())
        return cls(codes, origin)

    @classmethod
    def from_synthetic(cls, synthetic_dir: Path) -> RegionList:
        frames = []
        for path in sorted(Path(synthetic_dir).glob("kerncijfers_*.parquet")):
            year = int(path.stem.split("_")[1])
            frames.append(pd.read_parquet(path, columns=["code", "soort"]).assign(year=year))
        if not frames:
            raise FileNotFoundError(f"no kerncijfers_<year>.parquet in {synthetic_dir}")
        return cls.from_frame(pd.concat(frames, ignore_index=True), f"synthetic {synthetic_dir}")

    @classmethod
    def from_warehouse(cls, warehouse_path: Path) -> RegionList | None:
        """None when the warehouse or the Kerncijfers view is not there yet."""
        if not Path(warehouse_path).exists():
            return None
        con = duckdb.connect(str(warehouse_path), read_only=True)
        try:
            present = con.execute(
                "SELECT count(*) FROM information_schema.tables"
                " WHERE table_schema = 'raw' AND table_name = 'cbs_kerncijfers_wijken_buurten'"
            ).fetchone()[0]
            if not present:
                return None
            frame = con.execute(
                f"SELECT DISTINCT CAST(period AS INTEGER) AS year, trim(SoortRegio) AS soort,"
                f" trim(WijkenEnBuurten) AS code FROM {KERNCIJFERS_VIEW}"
            ).df()
        finally:
            con.close()
        return cls.from_frame(frame, f"warehouse {warehouse_path}") if len(frame) else None
