"""Small warehouse files with a ``marts.region_population``, and one checkpoint run per file.

Great Expectations costs 6-14 s to import, so the checkpoint runs are session-scoped and shared.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

REGION_POPULATION_DDL = """
CREATE SCHEMA IF NOT EXISTS marts;
CREATE TABLE marts.region_population (
    period_year INTEGER, region_level VARCHAR, region_code VARCHAR, region_name VARCHAR,
    gemeente_code VARCHAR, province_code VARCHAR, riec_code VARCHAR, inhabitants BIGINT,
    land_area_km2 DOUBLE, population_density DOUBLE, national_population_density DOUBLE,
    population_density_index DOUBLE
)
"""

# (level, code, gemeente, province, riec, inhabitants, land km2) per year; Nederland first.
REGIONS = [
    ("nederland", "NL00", None, None, None, 20_000, 1_000.0),
    ("provincie", "PV20", None, "PV20", None, 12_000, 400.0),
    ("riec", "RIEC01", None, None, "RIEC01", 12_000, 400.0),
    ("gemeente", "GM0014", "GM0014", "PV20", "RIEC01", 9_000, 150.0),
    ("gemeente", "GM0034", "GM0034", "PV20", "RIEC01", 3_000, 250.0),
    ("wijk", "WK001401", "GM0014", "PV20", "RIEC01", 9_000, 150.0),
    ("buurt", "BU00140101", "GM0014", "PV20", "RIEC01", 5_000, 100.0),
    ("buurt", "BU00140102", "GM0014", "PV20", "RIEC01", 4_000, 0.0),  # water only: no density
]
YEARS = (2023, 2024)


def valid_rows() -> list[tuple]:
    rows = []
    for year in YEARS:
        growth = 1 + (year - YEARS[0]) / 10
        national_density = REGIONS[0][5] * growth / REGIONS[0][6]
        for level, code, gemeente, province, riec, inhabitants, land in REGIONS:
            inhabitants = round(inhabitants * growth)
            density = inhabitants / land if land else None
            index = 100.0 * density / national_density if density is not None else None
            rows.append(
                (
                    year,
                    level,
                    code,
                    f"{level} {code}",
                    gemeente,
                    province,
                    riec,
                    inhabitants,
                    land,
                    density,
                    national_density,
                    index,
                )
            )
    return rows


def broken_rows() -> list[tuple]:
    rows = valid_rows()
    duplicate_grain = rows[3]
    bad_code = rows[5][:2] + ("WK0014",) + rows[5][3:]  # a wijk code needs six digits
    wrong_index = rows[4][:11] + (999.0,)
    return [*rows[:4], wrong_index, bad_code, *rows[6:], duplicate_grain]


# The other published mart, empty: the gate checks every published dataset, and no outline is valid.
REGION_SHAPES_DDL = """
CREATE TABLE marts.region_shapes (
    period_year INTEGER, region_level VARCHAR, region_code VARCHAR, region_name VARCHAR,
    gemeente_code VARCHAR, province_code VARCHAR, riec_code VARCHAR, polygon VARCHAR,
    centroid_lon DOUBLE, centroid_lat DOUBLE
)
"""


def write_warehouse(path: Path, rows: list[tuple]) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute(REGION_POPULATION_DDL)
        connection.execute(REGION_SHAPES_DDL)
        connection.executemany(f"INSERT INTO marts.region_population VALUES ({', '.join('?' * 12)})", rows)
    return path


@pytest.fixture(scope="session")
def valid_warehouse(tmp_path_factory) -> Path:
    return write_warehouse(tmp_path_factory.mktemp("valid") / "zicht.duckdb", valid_rows())


@pytest.fixture(scope="session")
def broken_warehouse(tmp_path_factory) -> Path:
    return write_warehouse(tmp_path_factory.mktemp("broken") / "zicht.duckdb", broken_rows())


@pytest.fixture(scope="session")
def valid_outcome(valid_warehouse):
    from zicht.quality.checkpoint import run_checkpoint

    return run_checkpoint(
        "region_population",
        valid_warehouse,
        "marts.region_population",
        docs_dir=valid_warehouse.parent / "data_docs",
        run_id="test-valid",
    )


@pytest.fixture(scope="session")
def broken_outcome(broken_warehouse):
    from zicht.quality.checkpoint import run_checkpoint

    return run_checkpoint(
        "region_population",
        broken_warehouse,
        "marts.region_population",
        docs_dir=broken_warehouse.parent / "data_docs",
        run_id="test-broken",
    )
