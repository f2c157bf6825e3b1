"""Dress the synthetic tables up as CBS StatLine tables: `_N` keys, DataProperties, padded codes.

A table layout is a tree of topic groups and topics. Topics are numbered in order (`_1`, `_2`, ...)
the way CBS numbers them, so the same topic can carry a different suffix in another year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from zicht.cbs.catalog import CatalogTable

CODE_WIDTH = 10
GEMEENTENAAM_WIDTH = 40
REGIOS_WIDTH = 6
UNTYPED_WIDTH = 12
FIRST_YEAR_WITH_SINGLE_HOUSEHOLDS = 2023


@dataclass(frozen=True)
class Topic:
    key: str  # without the _N suffix
    title: str
    source: str  # column in the synthetic parquet
    datatype: str = "Long"  # CBS Datatype: Long, Double, String
    unit: str = "aantal"
    decimals: int = 0
    description: str = ""
    pad_to: int = 0  # strings: CBS pads some to a fixed width
    from_year: int = 0


@dataclass(frozen=True)
class TopicGroup:
    key: str
    title: str
    children: tuple = field(default_factory=tuple)


KERNCIJFERS_LAYOUT = (
    TopicGroup(
        "Regioaanduiding",
        "Regioaanduiding",
        (
            Topic("Gemeentenaam", "Gemeentenaam", "gemeente_name", "String", "", pad_to=GEMEENTENAAM_WIDTH),
            Topic("SoortRegio", "Soort regio", "soort", "String", "", pad_to=CODE_WIDTH),
            Topic("Codering", "Codering", "code", "String", "", pad_to=CODE_WIDTH),
            Topic(
                "IndelingswijzigingWijkenEnBuurten",
                "Indelingswijziging wijken en buurten",
                "indeling",
                "String",
                "",
            ),
        ),
    ),
    TopicGroup(
        "Bevolking",
        "Bevolking",
        (
            Topic("AantalInwoners", "Aantal inwoners", "AantalInwoners"),
            TopicGroup(
                "Geslacht",
                "Geslacht",
                (
                    Topic("Mannen", "Mannen", "Mannen"),
                    Topic("Vrouwen", "Vrouwen", "Vrouwen"),
                ),
            ),
            TopicGroup(
                "Leeftijdsgroepen",
                "Leeftijdsgroepen",
                (
                    Topic("k_0Tot15Jaar", "0 tot 15 jaar", "k_0Tot15Jaar"),
                    Topic("k_15Tot25Jaar", "15 tot 25 jaar", "k_15Tot25Jaar"),
                    Topic("k_25Tot45Jaar", "25 tot 45 jaar", "k_25Tot45Jaar"),
                    Topic("k_45Tot65Jaar", "45 tot 65 jaar", "k_45Tot65Jaar"),
                    Topic("k_65JaarOfOuder", "65 jaar of ouder", "k_65JaarOfOuder"),
                ),
            ),
            TopicGroup(
                "ParticuliereHuishoudens",
                "Particuliere huishoudens",
                (
                    Topic("HuishoudensTotaal", "Huishoudens totaal", "HuishoudensTotaal"),
                    Topic(
                        "Eenpersoonshuishoudens",
                        "Eenpersoonshuishoudens",
                        "Eenpersoonshuishoudens",
                        from_year=FIRST_YEAR_WITH_SINGLE_HOUSEHOLDS,
                    ),
                    Topic(
                        "GemiddeldeHuishoudensgrootte",
                        "Gemiddelde huishoudensgrootte",
                        "GemiddeldeHuishoudensgrootte",
                        "Double",
                        "aantal",
                        decimals=1,
                    ),
                ),
            ),
            Topic(
                "Bevolkingsdichtheid",
                "Bevolkingsdichtheid",
                "Bevolkingsdichtheid",
                unit="aantal per km²",
                description="Aantal inwoners per km² land.",
            ),
        ),
    ),
    TopicGroup(
        "Wonen",
        "Wonen",
        (
            Topic("Woningvoorraad", "Woningvoorraad", "Woningvoorraad"),
            Topic(
                "GemiddeldeWOZWaardeVanWoningen",
                "Gemiddelde WOZ-waarde van woningen",
                "GemiddeldeWOZWaardeVanWoningen",
                unit="x 1 000 euro",
            ),
        ),
    ),
    TopicGroup(
        "Oppervlakte",
        "Oppervlakte",
        (
            Topic("OppervlakteTotaal", "Oppervlakte totaal", "OppervlakteTotaal", unit="ha"),
            Topic("OppervlakteLand", "Oppervlakte land", "OppervlakteLand", unit="ha"),
            Topic("OppervlakteWater", "Oppervlakte water", "OppervlakteWater", unit="ha"),
        ),
    ),
)

# Modelled on Gebieden in Nederland 2022 (85067NED): code/name pairs under one topic group per indeling.
GEBIEDEN_LAYOUT = (
    TopicGroup(
        "CodesEnNamenVanGemeenten",
        "Codes en namen van gemeenten",
        (
            Topic("Code", "Code", "gemeente_code", "String", "code", pad_to=CODE_WIDTH),
            Topic("Naam", "Naam", "gemeente_name", "String", "naam", pad_to=GEMEENTENAAM_WIDTH),
            Topic(
                "SorteringNaam", "Sortering naam", "sort_name", "String", "naam", pad_to=GEMEENTENAAM_WIDTH
            ),
        ),
    ),
    TopicGroup(
        "LokaliseringenVanGemeenten",
        "Lokaliseringen van gemeenten",
        (
            TopicGroup(
                "Provincies",
                "Provincies",
                (
                    Topic("Code", "Code", "province_code", "String", "code", pad_to=CODE_WIDTH),
                    Topic("Naam", "Naam", "province_name", "String", "naam", pad_to=GEMEENTENAAM_WIDTH),
                ),
            ),
            TopicGroup(
                "PolitieRegionaleEenheden",
                "Politie regionale eenheden",
                (
                    Topic("Code", "Code", "police_unit_code", "String", "code", pad_to=CODE_WIDTH),
                    Topic("Naam", "Naam", "police_unit_name", "String", "naam", pad_to=GEMEENTENAAM_WIDTH),
                ),
            ),
        ),
    ),
    TopicGroup(
        "StatistischeGegevens", "Statistische gegevens", (Topic("Inwonertal", "Inwonertal", "inhabitants"),)
    ),
)

FAMILY_SHAPES = {
    "kerncijfers_wijken_buurten": ("kerncijfers", KERNCIJFERS_LAYOUT, CODE_WIDTH, "Wijken en buurten"),
    "gebieden_in_nederland": ("gebieden", GEBIEDEN_LAYOUT, REGIOS_WIDTH, "Regio's"),
}


@dataclass
class CbsTable:
    """All entity sets of one table, as lists of JSON-ready dicts."""

    table_id: str
    entity_sets: dict[str, list[dict]]

    def columns(self, entity_set: str) -> list[str]:
        rows = self.entity_sets[entity_set]
        return list(rows[0]) if rows else []


def data_file(data_dir: Path, table: CatalogTable) -> Path:
    prefix = FAMILY_SHAPES[table.family][0]
    return Path(data_dir) / f"{prefix}_{table.year}.parquet"


def _numbered_topics(layout: tuple, year: int) -> tuple[list[dict], list[tuple[str, Topic]]]:
    """DataProperties entries after the dimension, and (CBS key, topic) pairs in column order."""
    properties: list[dict] = []
    topics: list[tuple[str, Topic]] = []

    def walk(nodes: tuple, parent_id: int | None) -> None:
        for node in nodes:
            if isinstance(node, Topic) and node.from_year > year:
                continue
            entry_id = len(properties) + 1
            position = len(topics) + 1
            if isinstance(node, TopicGroup):
                properties.append(
                    {
                        "odata.type": "Cbs.OData.TopicGroup",
                        "ID": entry_id,
                        "ParentID": parent_id,
                        "Type": "TopicGroup",
                        "Key": node.key,
                        "Title": node.title,
                        "Description": None,
                    }
                )
                walk(node.children, entry_id)
            else:
                key = f"{node.key}_{position}"
                topics.append((key, node))
                properties.append(
                    {
                        "odata.type": "Cbs.OData.Topic",
                        "ID": entry_id,
                        "Position": position,
                        "ParentID": parent_id,
                        "Type": "Topic",
                        "Key": key,
                        "Title": node.title,
                        "Description": node.description or None,
                        "Datatype": node.datatype,
                        "Unit": node.unit,
                        "Decimals": node.decimals,
                        "Default": "Missing",
                        "PresentationType": "Absolute" if node.datatype != "String" else None,
                    }
                )

    walk(layout, None)
    return properties, topics


def _typed(value, topic: Topic):
    if value is None or pd.isna(value):
        return None
    if topic.datatype == "String":
        return str(value).ljust(topic.pad_to)
    if topic.datatype == "Double":
        return float(value)
    return int(value)


def _untyped(value) -> str:
    # CBS's untyped set gives every cell as right-aligned text and "." for a missing value.
    return (str(value) if value is not None else ".").rjust(UNTYPED_WIDTH)


def build_table(data_dir: Path, table: CatalogTable) -> CbsTable:
    """Read the synthetic parquet for `table` and build every entity set CBS serves for it."""
    _, layout, key_width, dimension_title = FAMILY_SHAPES[table.family]
    frame = pd.read_parquet(data_file(data_dir, table))
    code_column = "code" if table.family == "kerncijfers_wijken_buurten" else "gemeente_code"
    name_column = "name" if table.family == "kerncijfers_wijken_buurten" else "gemeente_name"
    dimension = table.region_dimension
    topic_properties, topics = _numbered_topics(layout, table.year)
    data_properties = [
        {
            "odata.type": "Cbs.OData.GeoDimension",
            "ID": 0,
            "Position": 0,
            "ParentID": None,
            "Type": "GeoDimension",
            "Key": dimension,
            "Title": dimension_title,
            "Description": None,
            "MapYear": str(table.year),
            "ReleasePolicy": False,
        },
        *topic_properties,
    ]

    group_ids: dict[str, int] = {}
    if "gemeente_name" in frame and table.family == "kerncijfers_wijken_buurten":
        for name in frame.loc[frame["soort"] == "Gemeente", "gemeente_name"]:
            group_ids.setdefault(name, len(group_ids) + 1)
    category_groups = [
        {"ID": gid, "DimensionKey": dimension, "Title": name, "Description": None, "ParentID": None}
        for name, gid in group_ids.items()
    ]

    records = frame.to_dict("records")
    dimension_rows, typed_rows, untyped_rows = [], [], []
    for index, record in enumerate(records):
        key = str(record[code_column]).ljust(key_width)
        dimension_rows.append(
            {
                "Key": key,
                "Title": record[name_column],
                "Description": None,
                "CategoryGroupID": group_ids.get(record.get("gemeente_name")) if group_ids else None,
            }
        )
        typed = {"ID": index, dimension: key}
        untyped = {"ID": index, dimension: key}
        for cbs_key, topic in topics:
            value = _typed(record[topic.source], topic)
            typed[cbs_key] = value
            untyped[cbs_key] = value if topic.datatype == "String" and value is not None else _untyped(value)
        typed_rows.append(typed)
        untyped_rows.append(untyped)

    table_info = {
        "ID": 0,
        "Title": table.title,
        "ShortTitle": table.title,
        "Identifier": table.table_id,
        "Summary": f"{table.title} (synthetic data served by Zicht's local OData server)",
        "Modified": f"{table.year + 1}-07-01T02:00:00",
        "ReasonDelivery": "Actualisering",
        "Language": "nl",
        "Catalog": "CBS",
        "Frequency": "Perjaar",
        "Period": str(table.year),
        "ShortDescription": table.title,
        "Description": None,
        "OutputStatus": "Regulier",
        "Source": "CBS (synthetisch)",
        "MetaDataModified": f"{table.year + 1}-07-01T02:00:00",
    }
    return CbsTable(
        table_id=table.table_id,
        entity_sets={
            "TableInfos": [table_info],
            "UntypedDataSet": untyped_rows,
            "TypedDataSet": typed_rows,
            "DataProperties": data_properties,
            "CategoryGroups": category_groups,
            dimension: dimension_rows,
        },
    )
