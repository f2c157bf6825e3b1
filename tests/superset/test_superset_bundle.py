"""The asset bundle is consistent with itself and with the published mart contract (no Superset needed)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml

from zicht.superset.bundle import BUNDLE_ROOT_FOLDER, read_bundle, render_bundle, write_bundle_zip
from zicht.superset.environment import BUNDLE_DIR


@pytest.fixture(scope="module")
def bundle() -> dict[str, dict]:
    return read_bundle()


def _of_kind(bundle: dict[str, dict], folder: str) -> dict[str, dict]:
    return {path: config for path, config in bundle.items() if path.startswith(folder)}


def _chart_nodes(position: dict) -> list[dict]:
    return [node for node in position.values() if isinstance(node, dict) and node.get("type") == "CHART"]


def test_every_file_has_version_and_a_unique_uuid(bundle):
    assert bundle["metadata.yaml"]["version"] == "1.0.0"
    assert bundle["metadata.yaml"]["type"] == "assets"
    uuids = [config["uuid"] for path, config in bundle.items() if path != "metadata.yaml"]
    assert len(uuids) == len(set(uuids)), f"duplicate uuids in the bundle: {uuids}"
    for path, config in bundle.items():
        assert config["version"] == "1.0.0", path


def test_references_resolve(bundle):
    database_uuids = {c["uuid"] for c in _of_kind(bundle, "databases/").values()}
    dataset_uuids = {c["uuid"] for c in _of_kind(bundle, "datasets/").values()}
    chart_uuids = {c["uuid"] for c in _of_kind(bundle, "charts/").values()}
    for path, dataset in _of_kind(bundle, "datasets/").items():
        assert dataset["database_uuid"] in database_uuids, f"{path}: unknown database_uuid"
    for path, chart in _of_kind(bundle, "charts/").items():
        assert chart["dataset_uuid"] in dataset_uuids, f"{path}: unknown dataset_uuid"
    placed: set[str] = set()
    for path, dashboard in _of_kind(bundle, "dashboards/").items():
        nodes = _chart_nodes(dashboard["position"])
        assert nodes, f"{path}: no chart placed in position"
        for node in nodes:
            assert isinstance(node["meta"]["chartId"], int), f"{path}: {node['id']} lacks meta.chartId"
            assert node["meta"]["uuid"] in chart_uuids, f"{path}: {node['id']} places an unknown chart"
            placed.add(node["meta"]["uuid"])
    assert placed == chart_uuids, f"charts on no dashboard: {chart_uuids - placed}"


def test_position_tree_is_connected(bundle):
    for path, dashboard in _of_kind(bundle, "dashboards/").items():
        position = dashboard["position"]
        reachable, stack = set(), ["ROOT_ID"]
        while stack:
            node_id = stack.pop()
            assert node_id in position, f"{path}: {node_id} is referenced but not defined"
            reachable.add(node_id)
            stack.extend(position[node_id].get("children", []))
        for node in _chart_nodes(position):
            assert node["id"] in reachable, f"{path}: {node['id']} is not under ROOT_ID"


def test_dataset_columns_match_published_contract(bundle, contract_columns):
    # The datasets over region_population; the indicator datasets are checked in test_indicator_dashboards.
    datasets = {
        path: dataset
        for path, dataset in _of_kind(bundle, "datasets/").items()
        if "region_population" in (dataset["sql"] or dataset["table_name"])
    }
    assert "datasets/zicht_published/region_population.yaml" in datasets
    for path, dataset in datasets.items():
        columns = {c["column_name"]: c["type"] for c in dataset["columns"]}
        assert columns == contract_columns, f"{path} columns differ from docs/architecture.md"
        for column in dataset["columns"]:
            assert column["verbose_name"], f"{path}: {column['column_name']} has no Dutch title"
        assert dataset["metrics"], f"{path}: a dataset without metrics loses them on re-import"


def test_charts_use_only_dataset_columns_and_metrics(bundle):
    datasets = {c["uuid"]: c for c in _of_kind(bundle, "datasets/").values()}
    for path, chart in _of_kind(bundle, "charts/").items():
        dataset = datasets[chart["dataset_uuid"]]
        columns = {c["column_name"] for c in dataset["columns"]}
        metrics = {m["metric_name"] for m in dataset["metrics"]}
        params = chart["params"]
        assert params["viz_type"] == chart["viz_type"], path
        used_columns = set(params.get("all_columns", [])) | set(params.get("groupby", []))
        used_columns |= {f["subject"] for f in params.get("adhoc_filters", [])}
        assert used_columns <= columns, f"{path}: unknown columns {used_columns - columns}"
        used_metrics = set(params.get("metrics", [])) | ({params["metric"]} if "metric" in params else set())
        assert used_metrics <= metrics, f"{path}: unknown metrics {used_metrics - metrics}"


def test_rendered_uri_points_read_only_at_the_published_file(tmp_path):
    published = tmp_path / "published" / "zicht.duckdb"
    rendered = render_bundle(published)
    database = yaml.safe_load(rendered["databases/zicht_published.yaml"])
    assert database["sqlalchemy_uri"] == f"duckdb:////{str(published).lstrip('/')}?access_mode=read_only"
    # The committed file stays a template: no machine path in git.
    committed = yaml.safe_load((BUNDLE_DIR / "databases" / "zicht_published.yaml").read_text())
    assert "{published_path}" in committed["sqlalchemy_uri"]


def test_zip_has_one_top_folder(tmp_path):
    target = write_bundle_zip(tmp_path / "bundle.zip", tmp_path / "zicht.duckdb")
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
    assert {Path(name).parts[0] for name in names} == {BUNDLE_ROOT_FOLDER}
    assert f"{BUNDLE_ROOT_FOLDER}/metadata.yaml" in names
    assert len(names) == len(read_bundle())
