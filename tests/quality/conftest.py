"""Small warehouse files with a ``marts.region_population``, and one checkpoint run per file.

Great Expectations costs 6-14 s to import, so the checkpoint runs are session-scoped and shared.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
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


def _indicator_marts(connection: duckdb.DuckDBPyConnection) -> None:
    """Small valid versions of the indicator marts: the catalog and one indicator for two regions."""
    from zicht.indicators import load_catalog

    catalog = load_catalog()
    indicators = pd.DataFrame(
        [
            {**i.as_row(catalog.measures), "theme_name_nl": i.theme, "theme_name_en": i.theme}
            for i in catalog.indicators
        ]
    ).drop(
        columns=[
            "numerator_measure",
            "numerator_category",
            "numerator_from_records",
            "denominator_measure",
            "denominator_category",
        ]
    )
    density = next(i for i in catalog.indicators if i.code == "kern_bevolkingsdichtheid")
    base = {
        "period_year": 2024,
        "theme_code": "achtergrond",
        "theme_name": catalog.themes[density.theme].name_nl,
        "indicator_code": density.code,
        "indicator_name": density.name_nl,
        "unit": density.unit,
        "breakdown_code": "totaal",
        "breakdown_name": "Totaal",
        "national_value": 20.0,
        "expected": None,
        "ratio_lower": None,
        "ratio_upper": None,
        "significance_level": 0.05,
        "significance": None,
        "z_score": None,
        "overdispersion_phi": None,
        "is_overdispersed": False,
        "variance_inflation": 1.0,
        "between_region_variance": 0.0,
        "z_score_adjusted": None,
        "control_lower": None,
        "control_upper": None,
        "significance_adjusted": None,
        "is_signal": False,
        "rest_value": None,
        "ratio_rest": None,
        "ratio_rest_lower": None,
        "ratio_rest_upper": None,
        "significance_rest": None,
        "previous_value": None,
        "change_previous_year": None,
        "is_published": True,
        "suppression_reason": None,
        "wijk_code": None,
        "wijk_name": None,
        "wijk_label": None,
        "province_code": "PV20",
        "province_name": "Groningen",
        "riec_code": "RIEC01",
        "riec_name": "Noord-Nederland",
    }
    values = pd.DataFrame(
        [
            {
                **base,
                "region_level": "nederland",
                "region_code": "NL00",
                "region_name": "Nederland",
                "gemeente_code": None,
                "gemeente_name": None,
                "numerator": 20_000.0,
                "denominator": 1_000.0,
                "value": 20.0,
                "index_nl": 100.0,
                "ratio": 1.0,
                "percentile_rank": 0.0,
                "province_code": None,
                "province_name": None,
                "riec_code": None,
                "riec_name": None,
            },
            {
                **base,
                "region_level": "gemeente",
                "region_code": "GM0014",
                "region_name": "Een",
                "gemeente_code": "GM0014",
                "gemeente_name": "Een",
                "numerator": 9_000.0,
                "denominator": 150.0,
                "value": 60.0,
                "index_nl": 300.0,
                "ratio": 3.0,
                "percentile_rank": 0.0,
            },
        ]
    )
    # Nederland of a tested indicator: the names of the funnel's lines come from it.
    harddrugs = next(i for i in catalog.indicators if i.code == "drugs_om_harddrugs")
    values.loc[len(values)] = {
        **values.iloc[0].to_dict(),
        "theme_code": harddrugs.theme,
        "theme_name": catalog.themes[harddrugs.theme].name_nl,
        "indicator_code": harddrugs.code,
        "indicator_name": harddrugs.name_nl,
        "unit": harddrugs.unit,
        "numerator": 100.0,
        "denominator": 1_000_000.0,
        "value": 1.0,
        "national_value": 1.0,
        "expected": 100.0,
    }
    signals = pd.DataFrame(
        [
            {
                "period_year": 2024,
                "region_level": "gemeente",
                "region_code": "GM0014",
                "region_name": "Een",
                "gemeente_code": "GM0014",
                "gemeente_name": "Een",
                "wijk_code": None,
                "wijk_name": None,
                "wijk_label": None,
                "province_code": "PV20",
                "province_name": "Groningen",
                "riec_code": "RIEC01",
                "riec_name": "Noord-Nederland",
                "theme_code": "drugs",
                "theme_name": "Drugs",
                "indicators_assessed": 2,
                "signals": 1,
                "signal_indicators": "drugs_om_harddrugs",
            }
        ]
    )
    # Two points of a Poisson funnel: exact limits narrowing from 4 to 40 expected cases.
    funnel = pd.DataFrame(
        [
            {
                "period_year": 2024,
                "region_level": "gemeente",
                "theme_code": "drugs",
                "indicator_code": "drugs_om_harddrugs",
                "breakdown_code": "totaal",
                "grid_point": point,
                "expected": expected,
                "denominator": expected * 1000,
                "is_overdispersed": False,
                "variance_inflation": 1.0,
                "between_region_variance": 0.0,
                "lower_95": lower_95,
                "upper_95": upper_95,
                "lower_998": lower_998,
                "upper_998": upper_998,
            }
            for point, expected, lower_95, upper_95, lower_998, upper_998 in [
                (0, 4.0, 0.26, 2.35, 0.06, 3.28),
                (1, 40.0, 0.71, 1.35, 0.58, 1.52),
            ]
        ]
    )
    # The funnel as the dashboards draw it: no assessed region (no points), each gemeente line once,
    # without a province or RIEC region (only wijk and buurt lines are repeated per pair).
    line = {"series_kind": "grens", "region_code": None, "region_name": None, "province_code": None,
            "riec_code": None, "indicator_name": harddrugs.name_nl, "breakdown_name": "Totaal",
            "ratio": None, "significance_adjusted": None}  # fmt: skip
    limits_only = ["denominator", "is_overdispersed", "variance_inflation", "between_region_variance"]
    drawn = pd.DataFrame(
        [{**line, **limits} for limits in funnel.drop(columns=limits_only).to_dict("records")]
    )
    published = {
        "indicators": indicators,
        "indicator_values": values,
        "signal_map": signals,
        "indicator_funnel_limits": funnel,
        "indicator_funnel": drawn,
    }
    for name, frame in published.items():
        connection.register("incoming", frame)
        connection.execute(f"CREATE TABLE marts.{name} AS SELECT * FROM incoming")
        connection.unregister("incoming")


# The other published mart, empty: the gate checks every published dataset, and no outline is valid.
REGION_SHAPES_DDL = """
CREATE TABLE marts.region_shapes (
    period_year INTEGER, region_level VARCHAR, region_code VARCHAR, region_name VARCHAR,
    gemeente_code VARCHAR, province_code VARCHAR, riec_code VARCHAR, polygon VARCHAR,
    centroid_lon DOUBLE, centroid_lat DOUBLE
)
"""


# The output of the dbt models int_disclosure_cells, int_magnitude_contributors, int_reference_regions
# and int_regions_per_year: no record source delivered, so no table to protect. Publication needs the
# first (every release keeps its disclosure audit), the gate the others (it checks every magnitude
# shown against its contributors, published totals against their parts, and every region published).
DISCLOSURE_CELLS_DDL = """
CREATE SCHEMA IF NOT EXISTS intermediate;
CREATE TABLE intermediate.int_disclosure_cells (
    measure VARCHAR, category VARCHAR, period_year BIGINT, region_level VARCHAR, region_code VARCHAR,
    status VARCHAR, reason VARCHAR, required_width DOUBLE, audit_lower DOUBLE, audit_upper DOUBLE,
    disclosure_class VARCHAR, table_passed BOOLEAN
);
CREATE TABLE intermediate.int_magnitude_contributors (
    measure VARCHAR, category VARCHAR, period_year INTEGER, region_level VARCHAR, region_code VARCHAR,
    contributors BIGINT, top1 DOUBLE, top2 DOUBLE
);
CREATE TABLE intermediate.int_reference_regions (
    region_level VARCHAR, region_code VARCHAR, wijk_code VARCHAR, gemeente_code VARCHAR,
    province_code VARCHAR, riec_code VARCHAR
);
CREATE TABLE intermediate.int_regions_per_year (
    period_year INTEGER, region_level VARCHAR, region_code VARCHAR, gemeente_code VARCHAR,
    province_code VARCHAR, riec_code VARCHAR
)
"""


def _regions(connection: duckdb.DuckDBPyConnection) -> None:
    """The regions of REGIONS as the division of every year and as the reference indeling; the
    province and RIEC rows are not part of a CBS division, which places them through its gemeenten."""
    for level, code, gemeente, province, riec, *_ in REGIONS:
        wijk = "WK" + code[2:8] if level == "buurt" else None
        if level != "nederland":
            connection.execute(
                "INSERT INTO intermediate.int_reference_regions VALUES (?, ?, ?, ?, ?, ?)",
                [level, code, wijk, gemeente, province, riec],
            )
        if level not in ("provincie", "riec"):
            connection.executemany(
                "INSERT INTO intermediate.int_regions_per_year VALUES (?, ?, ?, ?, ?, ?)",
                [[year, level, code, gemeente, province, riec] for year in YEARS],
            )


def write_warehouse(path: Path, rows: list[tuple]) -> Path:
    """A warehouse with every published mart: region_population from `rows`, the others small and valid."""
    with duckdb.connect(str(path)) as connection:
        connection.execute(REGION_POPULATION_DDL)
        connection.execute(REGION_SHAPES_DDL)
        connection.execute(DISCLOSURE_CELLS_DDL)
        _regions(connection)
        connection.executemany(f"INSERT INTO marts.region_population VALUES ({', '.join('?' * 12)})", rows)
        _indicator_marts(connection)
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
