"""The asset bundle is consistent with itself and with the published mart contract (no Superset needed)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from published_contract import published_contract_columns

from zicht.superset.bundle import (
    BUNDLE_ROOT_FOLDER,
    BundleTargets,
    read_bundle,
    render_bundle,
    write_bundle_zip,
)
from zicht.superset.environment import BUNDLE_DIR
from zicht.superset.indicator_datasets import datasets as indicator_datasets

# Columns a joined dataset renames: the gemeente's name is its region_name.
JOINED_ALIASES = {"gemeente_name": "region_name"}
PUBLISHED_DATASETS = "datasets/zicht_published/"
OPS_DATASETS = "datasets/zicht_ops/"


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


def _targets(tmp_path: Path) -> BundleTargets:
    return BundleTargets(
        tmp_path / "published" / "zicht.duckdb", tmp_path / "published" / "ops.duckdb", "http://docs.test:81"
    )


def test_datasets_live_in_the_folder_of_their_database(bundle):
    databases = {c["uuid"]: c["database_name"] for c in _of_kind(bundle, "databases/").values()}
    assert sorted(databases.values()) == ["zicht_ops", "zicht_published"]
    for path, dataset in _of_kind(bundle, "datasets/").items():
        assert path.startswith(f"datasets/{databases[dataset['database_uuid']]}/"), path


def test_dataset_columns_match_published_contract(bundle, contract_columns):
    # The datasets over region_population and region_shapes; the datasets generated from the indicator
    # catalog (the indicator map joins region_shapes too) are checked in test_indicator_dashboards.
    generated = {dataset.path for dataset in indicator_datasets()}
    datasets = {
        path: dataset
        for path, dataset in _of_kind(bundle, PUBLISHED_DATASETS).items()
        if re.search(r"region_(population|shapes)", dataset["sql"] or dataset["table_name"])
        and path not in generated
    }
    assert "datasets/zicht_published/region_population.yaml" in datasets
    contracts = {table: published_contract_columns(table) for table in ("region_population", "region_shapes")}
    assert contracts["region_population"] == contract_columns
    published = {}
    for columns in contracts.values():
        published |= columns
    for path, dataset in datasets.items():
        columns = {c["column_name"]: c["type"] for c in dataset["columns"]}
        if dataset["sql"] is None or "SELECT *" in dataset["sql"]:
            # A table, or all of one: exactly its contract.
            source = (
                re.search(r"main\.(\w+)", dataset["sql"]).group(1)
                if dataset["sql"]
                else dataset["table_name"]
            )
            assert columns == contracts[source], f"{path} columns differ from docs/architecture.md"
        else:
            # A join: each column is a published column with the contract's type.
            for name, kind in columns.items():
                source = JOINED_ALIASES.get(name, name)
                assert source in published, f"{path}: {name} is no published column"
                assert published[source] == kind, (
                    f"{path}: {name} is {kind}, published as {published[source]}"
                )
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
        used_columns |= {params["x_axis"]} if "x_axis" in params else set()
        used_columns |= {json.loads(item)[0] for item in params.get("order_by_cols", [])}
        assert used_columns <= columns, f"{path}: unknown columns {used_columns - columns}"
        used_metrics = set(params.get("metrics", [])) | ({params["metric"]} if "metric" in params else set())
        assert used_metrics <= metrics, f"{path}: unknown metrics {used_metrics - metrics}"


def test_ops_dataset_columns_match_the_exported_ops_file(bundle, tmp_path, monkeypatch):
    """Every ops dataset (its table, or its SQL) queried on a real export has exactly its columns."""
    import duckdb

    from zicht.ops.export import export_ops
    from zicht.settings import get_settings

    monkeypatch.setenv("ZICHT_DATA_DIR", str(tmp_path / "data"))
    exported = export_ops(get_settings())
    with duckdb.connect(str(exported.path), read_only=True) as connection:
        for path, dataset in _of_kind(bundle, OPS_DATASETS).items():
            query = dataset["sql"] or f"SELECT * FROM {dataset['schema']}.{dataset['table_name']}"
            relation = connection.sql(query)
            actual = dict(zip(relation.columns, map(str, relation.types), strict=True))
            columns = {c["column_name"]: c["type"] for c in dataset["columns"]}
            assert columns == actual, f"{path} columns differ from the ops export"
            for column in dataset["columns"]:
                assert column["verbose_name"], f"{path}: {column['column_name']} has no Dutch title"
                assert column["is_dttm"] == (column["type"] == "TIMESTAMP"), (
                    f"{path}: {column['column_name']}"
                )
            assert dataset["metrics"], f"{path}: a dataset without metrics loses them on re-import"


@pytest.mark.parametrize(
    ("database", "placeholder", "target"),
    [("zicht_published", "{published_path}", "published_path"), ("zicht_ops", "{ops_path}", "ops_path")],
)
def test_rendered_uri_points_read_only_at_its_file(tmp_path, database, placeholder, target):
    targets = _targets(tmp_path)
    rendered = render_bundle(targets)
    uri = yaml.safe_load(rendered[f"databases/{database}.yaml"])["sqlalchemy_uri"]
    path = getattr(targets, target)
    assert uri == f"duckdb:////{str(path).lstrip('/')}?access_mode=read_only"
    # The committed file stays a template: no machine path in git.
    committed = yaml.safe_load((BUNDLE_DIR / "databases" / f"{database}.yaml").read_text())
    assert placeholder in committed["sqlalchemy_uri"]


def test_a_database_without_a_known_placeholder_is_refused(tmp_path):
    bundle_dir = tmp_path / "bundle"
    (bundle_dir / "databases").mkdir(parents=True)
    (bundle_dir / "metadata.yaml").write_text("version: 1.0.0\n")
    (bundle_dir / "databases" / "x.yaml").write_text("sqlalchemy_uri: duckdb:////srv/x.duckdb\n")
    with pytest.raises(ValueError, match=r"databases/x.yaml: sqlalchemy_uri must contain exactly one of"):
        render_bundle(_targets(tmp_path), bundle_dir)


def test_documentation_links_point_at_the_docs_site(tmp_path):
    rendered = render_bundle(_targets(tmp_path))
    dashboard = yaml.safe_load(rendered["dashboards/pipelinekwaliteit.yaml"])
    markdown = [
        n["meta"]["code"]
        for n in dashboard["position"].values()
        if isinstance(n, dict) and n.get("type") == "MARKDOWN"
    ]
    assert "http://docs.test:81/dbt/index.html" in markdown[0]
    assert "http://docs.test:81/quality/index.html" in markdown[0]
    assert not any("{docs_url}" in text for text in rendered.values())


def test_zip_has_one_top_folder(tmp_path):
    target = write_bundle_zip(tmp_path / "bundle.zip", _targets(tmp_path))
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
    assert {Path(name).parts[0] for name in names} == {BUNDLE_ROOT_FOLDER}
    assert f"{BUNDLE_ROOT_FOLDER}/metadata.yaml" in names
    assert len(names) == len(read_bundle())
