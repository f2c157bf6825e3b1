"""The dashboards generated from the indicator catalog: fresh, complete, and consistent with the marts."""

from __future__ import annotations

import copy
import uuid

import duckdb
import pytest
import yaml

from zicht.indicators.catalog import CATALOG_PATH, load_catalog, parse_catalog
from zicht.superset.bundle import read_bundle
from zicht.superset.dashboard_parts import where
from zicht.superset.indicator_datasets import (
    ASSET_NAMESPACE,
    RETIRED_DATASETS,
    SUPPRESSION_REASONS_NL,
    UNPUBLISHED_INDEX,
    contract_columns,
    datasets,
    indicator_map_dataset,
    indicator_values_dataset,
    retired_dataset_uuids,
)
from zicht.superset.themes import (
    CONTEXT_THEMES,
    EXPOSURES_PATH,
    INDEX_CLASSES,
    dashboards,
    default_map_indicator,
    generated_files_on_disk,
    render_bundle_files,
    render_exposures,
)

DUCKDB_TYPES = {"INTEGER": "INTEGER", "VARCHAR": "VARCHAR", "DOUBLE": "DOUBLE", "BOOLEAN": "BOOLEAN"}


@pytest.fixture(scope="module")
def bundle() -> dict[str, dict]:
    return read_bundle()


def _empty_marts() -> duckdb.DuckDBPyConnection:
    """An in-memory database holding the indicator marts as their dbt contracts declare them."""
    con = duckdb.connect()
    for model, columns in contract_columns().items():
        body = ", ".join(f"{name} {DUCKDB_TYPES[kind]}" for name, kind in columns.items())
        con.execute(f"CREATE TABLE main.{model} ({body})")
    return con


def test_committed_files_equal_a_fresh_rendering():
    rendered = render_bundle_files()
    committed = generated_files_on_disk()
    assert set(committed) == set(rendered), "run: python -m zicht.superset.themes"
    for path, text in rendered.items():
        assert committed[path] == text, f"{path} differs; run: python -m zicht.superset.themes"
    assert EXPOSURES_PATH.read_text(encoding="utf-8") == render_exposures()


def test_every_catalog_theme_has_its_dashboard_and_a_new_theme_adds_one():
    catalog = load_catalog()
    titles = {d.title for d in dashboards(catalog)}
    for code, theme in catalog.themes.items():
        assert (f"Zicht — {theme.name_nl}" in titles) == (code not in CONTEXT_THEMES), code
    assert {"Zicht — Overzicht ondermijning", "Zicht — Gemeenteprofiel"} <= titles

    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["themes"]["cybercrime"] = {"name_nl": "Cybercrime", "name_en": "Cybercrime", "description": "On."}
    entry = copy.deepcopy(data["indicators"][0]) | {"code": "cyber_fraude", "theme": "cybercrime"}
    data["indicators"].append(entry)
    extended = parse_catalog(data)
    new = [d for d in dashboards(extended) if d.title == "Zicht — Cybercrime"]
    assert len(new) == 1
    assert len(new[0].charts) == 4
    assert f"dashboards/{new[0].name}.yaml" in render_bundle_files(extended)


def test_uuids_are_uuid5_of_the_asset_name(bundle):
    for path, text in render_bundle_files().items():
        config = yaml.safe_load(text)
        kind = path.split("/")[0].rstrip("s")
        name = config.get("table_name") if kind == "dataset" else path.rsplit("/", 1)[1].removesuffix(".yaml")
        assert config["uuid"] == str(uuid.uuid5(ASSET_NAMESPACE, f"{kind}:{name}")), path
        assert bundle[path]["uuid"] == config["uuid"]


def test_physical_datasets_equal_their_contract_and_calculated_columns_run_on_it(bundle):
    contracts = contract_columns()
    con = _empty_marts()
    for dataset in datasets():
        if dataset.sql is not None:
            continue
        columns = bundle[dataset.path]["columns"]
        stored = {c["column_name"]: c["type"] for c in columns if c["expression"] is None}
        assert stored == contracts[dataset.table_name], dataset.path
        calculated = {c["column_name"]: c for c in columns if c["expression"] is not None}
        assert set(calculated) == set(dataset.expressions), dataset.path
        for name, column in calculated.items():
            query = f"SELECT {column['expression']} AS {name} FROM main.{dataset.table_name} LIMIT 0"
            result = con.sql(query)
            assert str(result.dtypes[0]) == column["type"], f"{dataset.path}: {name}"


def test_virtual_datasets_run_on_the_contract_and_yield_exactly_their_columns(bundle):
    con = _empty_marts()
    for dataset in datasets():
        if dataset.sql is None:
            continue
        config = bundle[dataset.path]
        result = con.sql(f"SELECT * FROM ({config['sql']}) LIMIT 0")
        got = {column: str(kind) for column, kind in zip(result.columns, result.dtypes, strict=True)}
        declared = {c["column_name"]: c["type"] for c in config["columns"]}
        assert got == declared, f"{dataset.path}: the SQL's columns differ from the declared ones"


def test_every_dataset_column_has_a_dutch_title_and_description(bundle):
    for dataset in datasets():
        for column in bundle[dataset.path]["columns"]:
            where = f"{dataset.path}: {column['column_name']}"
            assert column["verbose_name"] and column["description"], where
        assert bundle[dataset.path]["metrics"], f"{dataset.path}: no metrics (lost on re-import)"


def test_suppressed_values_show_their_reason_and_no_number():
    con = _empty_marts()
    values = contract_columns()["indicator_values"]
    row = dict.fromkeys(values) | {
        "period_year": 2025,
        "region_level": "gemeente",
        "region_code": "GM0001",
        "indicator_code": "x",
        "is_published": False,
        "suppression_reason": "small_denominator",
    }
    placeholders = ", ".join("?" * len(values))
    con.execute(f"INSERT INTO main.indicator_values VALUES ({placeholders})", list(row.values()))
    status = indicator_values_dataset().expressions["publication_status"]
    shown = con.execute(f"SELECT value, index_nl, {status} FROM main.indicator_values").fetchall()
    assert shown == [(None, None, SUPPRESSION_REASONS_NL["small_denominator"])]


def _insert_value(con, **fields) -> None:
    values = contract_columns()["indicator_values"]
    row = dict.fromkeys(values) | {"period_year": 2025, "breakdown_code": "totaal"} | fields
    placeholders = ", ".join("?" * len(values))
    con.execute(f"INSERT INTO main.indicator_values VALUES ({placeholders})", list(row.values()))


def _colour_class(index: float) -> int | None:
    """Which colour class the map gives a metric value, as deck.gl picks it (the first that holds it)."""
    return next((n for n, (low, high, _) in enumerate(INDEX_CLASSES) if low <= index <= high), None)


def test_index_map_colours_unpublished_regions_apart_from_every_index():
    """An unpublished buurt gets the map metric's own value, outside every colour class (grey), while a
    published index of 0 or of Nederland's level gets a class; regions of older outlines drop out."""
    con = _empty_marts()
    shapes = [
        ("BU01", "buurt", 2025),
        ("BU02", "buurt", 2025),
        ("BU03", "buurt", 2025),
        ("BU01", "buurt", 2024),
    ]
    for code, level, year in shapes:
        con.execute(
            "INSERT INTO main.region_shapes (period_year, region_level, region_code, polygon) "
            "VALUES (?, ?, ?, ?)",
            [year, level, code, f"[[5, 52], [5.1, 52], [5.1, 52.1], [5, 52]] -- {code} {year}"],
        )
    _insert_value(
        con, region_level="buurt", region_code="BU01", indicator_code="x", index_nl=0.0, is_published=True
    )
    _insert_value(
        con, region_level="buurt", region_code="BU02", indicator_code="x", index_nl=100.0, is_published=True
    )
    _insert_value(
        con,
        region_level="buurt",
        region_code="BU03",
        indicator_code="x",
        is_published=False,
        suppression_reason="primary_frequency",
    )
    _insert_value(con, region_level="buurt", region_code="BU02", indicator_code="x", breakdown_code="4711")
    dataset = indicator_map_dataset()
    metric = next(m for m in dataset.metrics if m.name == "index_op_kaart")
    shown = dict(
        con.execute(
            f"SELECT region_code, {metric.expression} FROM ({dataset.sql}) GROUP BY region_code, polygon"
        ).fetchall()
    )
    assert shown == {"BU01": 0.0, "BU02": 100.0, "BU03": UNPUBLISHED_INDEX}
    assert _colour_class(shown["BU01"]) == 0
    assert INDEX_CLASSES[_colour_class(shown["BU02"])][:2] == (95, 105)
    assert _colour_class(shown["BU03"]) is None


def test_the_index_map_opens_on_an_indicator_published_down_to_buurten(bundle):
    config = bundle["dashboards/indicatorkaart.yaml"]
    indicator = next(f for f in config["metadata"]["native_filter_configuration"] if f["name"] == "Indicator")
    chosen = default_map_indicator(load_catalog())
    assert indicator["defaultDataMask"]["filterState"]["value"] == [chosen]
    levels = next(i.levels for i in load_catalog().indicators if i.name_nl == chosen)
    assert {"gemeente", "wijk", "buurt"} <= set(levels)


def _used_columns(params: dict) -> set[str]:
    # A mixed chart's second query (points and lines of the funnel) has its own _b keys.
    used = (
        set(params.get("all_columns", [])) | set(params.get("groupby", [])) | set(params.get("groupby_b", []))
    )
    used |= set(params.get("groupbyRows", [])) | set(params.get("groupbyColumns", []))
    used |= {f["subject"] for f in params.get("adhoc_filters", []) + params.get("adhoc_filters_b", [])}
    used |= {params[key] for key in ("x_axis", "entity", "series") if params.get(key)}
    used |= {yaml.safe_load(item)[0] for item in params.get("order_by_cols", [])}
    return used


def _used_metrics(params: dict) -> set[str]:
    used = set(params.get("metrics", [])) | set(params.get("metrics_b", []))
    return used | {params[key] for key in ("metric", "x", "y", "size") if params.get(key)}


def test_generated_charts_use_only_their_dataset(bundle):
    by_uuid = {c["uuid"]: c for path, c in bundle.items() if path.startswith("datasets/")}
    for path in render_bundle_files():
        if not path.startswith("charts/"):
            continue
        chart = bundle[path]
        dataset = by_uuid[chart["dataset_uuid"]]
        columns = {c["column_name"] for c in dataset["columns"]}
        metrics = {m["metric_name"] for m in dataset["metrics"]}
        params = chart["params"]
        assert _used_columns(params) <= columns, f"{path}: {_used_columns(params) - columns}"
        assert _used_metrics(params) <= metrics, f"{path}: {_used_metrics(params) - metrics}"


def test_theme_charts_describe_their_indicators_with_the_catalog_definitions():
    catalog = load_catalog()
    for dashboard in dashboards(catalog):
        if not dashboard.name.startswith("thema_"):
            continue
        theme = dashboard.name.removeprefix("thema_")
        for chart in dashboard.charts:
            for indicator in catalog.of_theme(theme):
                assert indicator.definition in chart.description, f"{chart.name}: {indicator.code}"


def test_native_filters_target_dataset_columns_and_charts_of_their_dashboard(bundle):
    datasets_by_uuid = {c["uuid"]: c for path, c in bundle.items() if path.startswith("datasets/")}
    for dashboard in dashboards():
        config = bundle[dashboard.path]
        chart_ids = {
            node["meta"]["chartId"]
            for node in config["position"].values()
            if isinstance(node, dict) and node.get("type") == "CHART"
        }
        filters = config["metadata"]["native_filter_configuration"]
        filter_ids = {f["id"] for f in filters}
        assert len(filter_ids) == len(filters), dashboard.path
        for native_filter in filters:
            for target in native_filter["targets"]:
                dataset = datasets_by_uuid[target["datasetUuid"]]
                assert target["column"]["name"] in {c["column_name"] for c in dataset["columns"]}
            assert set(native_filter["scope"]["excluded"]) <= chart_ids, native_filter["name"]
            assert set(native_filter["cascadeParentIds"]) <= filter_ids, native_filter["name"]
        names = {f["name"] for f in filters}
        assert {"Jaar"} <= names, dashboard.path


def test_area_filters_cascade_from_province_and_riec_region_to_gemeente_to_wijk(bundle):
    area_dashboards = [
        d for d in dashboards() if d.name == "overzicht_ondermijning" or d.name.startswith("thema_")
    ]
    assert len(area_dashboards) > 1
    for dashboard in area_dashboards:
        filters = {f["name"]: f for f in bundle[dashboard.path]["metadata"]["native_filter_configuration"]}
        gemeente, wijk = filters["Gemeente"], filters["Wijk"]
        assert set(gemeente["cascadeParentIds"]) == {filters["Provincie"]["id"], filters["RIEC-regio"]["id"]}
        assert wijk["cascadeParentIds"] == [gemeente["id"]], dashboard.path
        assert wijk["targets"][0]["column"]["name"] == "wijk_label"
        # Some 3,300 wijken nationally, more than the 1,000 a filter lists: typing searches them all.
        assert wijk["controlValues"]["searchAllOptions"] is True, dashboard.path
        # Listed from the wijk rows, which row-level security limits to the analyst's own region.
        assert wijk["adhoc_filters"] == [where("region_level", "==", "wijk")], dashboard.path


def test_the_funnel_plot_draws_regions_and_control_limits_and_every_filter_reaching_it_applies(bundle):
    datasets_by_uuid = {c["uuid"]: c for path, c in bundle.items() if path.startswith("datasets/")}
    for dashboard in dashboards():
        funnels = [chart for chart in dashboard.charts if chart.name.endswith("_trechter")]
        if not dashboard.name.startswith("thema_"):
            assert funnels == []
            continue
        (funnel,) = funnels
        params = bundle[funnel.path]["params"]
        assert (params["seriesType"], params["seriesTypeB"]) == ("scatter", "line")
        assert set(params["metrics_b"]) == {
            "grens_95_onder",
            "grens_95_boven",
            "grens_998_onder",
            "grens_998_boven",
        }
        columns = {c["column_name"] for c in datasets_by_uuid[bundle[funnel.path]["dataset_uuid"]]["columns"]}
        config = bundle[dashboard.path]
        chart_id = next(
            node["meta"]["chartId"]
            for node in config["position"].values()
            if isinstance(node, dict) and node.get("meta", {}).get("uuid") == funnel.uuid
        )
        # Superset drops a filter on a column the chart's dataset lacks; so every filter in the funnel's
        # scope must name one of its columns, and the area filters (which would hide the lines) exclude it.
        for native_filter in config["metadata"]["native_filter_configuration"]:
            column = native_filter["targets"][0]["column"]["name"]
            if chart_id in native_filter["scope"]["excluded"]:
                assert column in {"province_name", "riec_name", "gemeente_name", "wijk_label"}, native_filter[
                    "name"
                ]
            else:
                assert column in columns, native_filter["name"]


def test_exposures_name_every_generated_dashboard():
    exposures = yaml.safe_load(render_exposures())["exposures"]
    assert [e["url"].rstrip("/").rsplit("/", 1)[1] for e in exposures] == [d.slug for d in dashboards()]
    for exposure in exposures:
        assert exposure["depends_on"] and all(ref.startswith("ref('") for ref in exposure["depends_on"])


def test_a_retired_dataset_is_no_dataset_of_the_bundle(bundle):
    # Setup removes the retired datasets from Superset: one the bundle still has must never be among them.
    bundle_uuids = {config["uuid"] for path, config in bundle.items() if path.startswith("datasets/")}
    bundle_names = {config["table_name"] for path, config in bundle.items() if path.startswith("datasets/")}
    assert retired_dataset_uuids() and not set(retired_dataset_uuids()) & bundle_uuids
    assert not set(RETIRED_DATASETS) & bundle_names
