"""Building blocks of generated Superset assets: charts, native filters and a dashboard's position tree."""

from __future__ import annotations

from dataclasses import dataclass, field

from zicht.superset.indicator_datasets import Dataset, asset_uuid


@dataclass(frozen=True)
class Chart:
    name: str  # stable file name and UUID seed
    title: str
    description: str
    dataset: Dataset
    viz_type: str
    params: dict
    width: int = 12
    height: int = 50

    @property
    def uuid(self) -> str:
        return asset_uuid("chart", self.name)

    @property
    def path(self) -> str:
        return f"charts/{self.name}.yaml"

    def config(self) -> dict:
        return {
            "slice_name": self.title,
            "description": self.description,
            "viz_type": self.viz_type,
            "cache_timeout": None,
            "certified_by": None,
            "certification_details": None,
            "query_context": None,
            "params": {"viz_type": self.viz_type, **self.params, "extra_form_data": {}},
            "dataset_uuid": self.dataset.uuid,
            "uuid": self.uuid,
            "version": "1.0.0",
        }


def where(column: str, operator: str, value) -> dict:
    """A simple WHERE filter of a chart (Superset's adhoc filter)."""
    return {
        "clause": "WHERE",
        "expressionType": "SIMPLE",
        "subject": column,
        "operator": operator,
        "comparator": value,
        "filterOptionName": f"filter_{column}_{operator}".replace(" ", "_").lower(),
        "isExtra": False,
        "isNew": False,
        "sqlExpression": None,
    }


def raw_table(
    columns: list[str], order_by: list[tuple[str, bool]], filters: list[dict], formats: dict
) -> dict:
    """Params of a table chart that shows rows as published (nothing aggregated)."""
    return {
        "query_mode": "raw",
        "all_columns": columns,
        "adhoc_filters": filters,
        "order_by_cols": [f'["{column}", {str(ascending).lower()}]' for column, ascending in order_by],
        "row_limit": 10000,
        "server_pagination": False,
        "server_page_length": 10,
        "page_length": 25,
        "include_search": True,
        "show_cell_bars": True,
        "color_pn": False,
        "allow_render_html": False,
        "table_timestamp_format": "%Y",
        "percent_metrics": [],
        "metrics": [],
        "groupby": [],
        "column_config": {column: {"d3NumberFormat": fmt} for column, fmt in formats.items()},
    }


def trend_over_years(metrics: list[str], filters: list[dict]) -> dict:
    """Params of a line chart over the years (x axis: the dataset's temporal column, one point a year)."""
    return {
        "x_axis": "period_start",
        "time_grain_sqla": "P1Y",
        "x_axis_time_format": "%Y",
        "metrics": metrics,
        "groupby": [],
        "adhoc_filters": filters,
        "row_limit": 1000,
        "truncate_metric": True,
        "show_legend": True,
        "legendType": "scroll",
        "legendOrientation": "top",
        "markerEnabled": True,
        "markerSize": 6,
        "rich_tooltip": True,
        "y_axis_format": "SMART_NUMBER",
        "truncateYAxis": False,
        "zoomable": False,
    }


@dataclass(frozen=True)
class NativeFilter:
    key: str
    title: str
    dataset: Dataset
    column: str
    multi: bool = False
    required: bool = False
    first_item_default: bool = False
    newest_first: bool = False
    default: list | None = None
    parents: tuple[str, ...] = ()
    prefilters: tuple[dict, ...] = ()
    description: str = ""
    # Superset lists the first NATIVE_FILTER_DEFAULT_ROW_LIMIT (1,000) values; with this, what the
    # user types is searched among all of them on the server.
    search_all_values: bool = False
    excluded_charts: tuple[str, ...] = field(default=())  # chart names outside this filter's scope

    @property
    def id(self) -> str:
        return f"NATIVE_FILTER-{self.key}"

    def config(self, chart_ids: dict[str, int], filter_ids: dict[str, str]) -> dict:
        default = self.default
        extra = {"filters": [{"col": self.column, "op": "IN", "val": default}]} if default else {}
        return {
            "id": self.id,
            "name": self.title,
            "description": self.description,
            "filterType": "filter_select",
            "type": "NATIVE_FILTER",
            "targets": [{"datasetUuid": self.dataset.uuid, "column": {"name": self.column}}],
            "controlValues": {
                "enableEmptyFilter": self.required,
                "defaultToFirstItem": self.first_item_default,
                "multiSelect": self.multi,
                "searchAllOptions": self.search_all_values,
                "inverseSelection": False,
                "sortAscending": not self.newest_first,
            },
            # No "value" key without a default: Superset takes an absent value as "not yet
            # initialised", which is what lets defaultToFirstItem pick the first option.
            "defaultDataMask": {
                "extraFormData": extra,
                "filterState": {"value": default} if default else {},
                "ownState": {},
            },
            "cascadeParentIds": [filter_ids[parent] for parent in self.parents],
            "scope": {
                "rootPath": ["ROOT_ID"],
                "excluded": [chart_ids[name] for name in self.excluded_charts],
            },
            # Without it Superset selects the first option but leaves it unapplied ("Apply filters").
            **({"requiredFirst": True} if self.first_item_default else {}),
            "adhoc_filters": list(self.prefilters),
            "tabsInScope": [],
        }


def markdown(key: str, text: str, width: int = 12, height: int = 30) -> dict:
    return {"key": key, "text": text, "width": width, "height": height}


def position(title: str, rows: list[list[Chart | dict]], chart_ids: dict[str, int]) -> dict:
    """The dashboard's layout: rows of charts (and markdown blocks), each placed by UUID."""
    tree: dict = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"id": "ROOT_ID", "type": "ROOT", "children": ["GRID_ID"]},
        "GRID_ID": {"id": "GRID_ID", "type": "GRID", "parents": ["ROOT_ID"], "children": []},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": title}},
    }
    for number, row in enumerate(rows, start=1):
        row_id = f"ROW-{number}"
        tree["GRID_ID"]["children"].append(row_id)
        tree[row_id] = {
            "id": row_id,
            "type": "ROW",
            "parents": ["ROOT_ID", "GRID_ID"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
            "children": [],
        }
        for item in row:
            parents = ["ROOT_ID", "GRID_ID", row_id]
            if isinstance(item, Chart):
                node_id = f"CHART-{item.name}"
                tree[node_id] = {
                    "id": node_id,
                    "type": "CHART",
                    "parents": parents,
                    "children": [],
                    "meta": {
                        "chartId": chart_ids[item.name],
                        "uuid": item.uuid,
                        "sliceName": item.title,
                        "width": item.width,
                        "height": item.height,
                    },
                }
            else:
                node_id = f"MARKDOWN-{item['key']}"
                tree[node_id] = {
                    "id": node_id,
                    "type": "MARKDOWN",
                    "parents": parents,
                    "children": [],
                    "meta": {"code": item["text"], "width": item["width"], "height": item["height"]},
                }
            tree[row_id]["children"].append(node_id)
    return tree
