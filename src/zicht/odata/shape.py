"""Dress the synthetic tables up as CBS StatLine tables: `_N` keys, DataProperties, padded codes.

A table layout is a tree of topic groups and topics. Topics are numbered in order (`_1`, `_2`, ...)
the way CBS numbers them, so the same topic can carry a different suffix in another year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from zicht.cbs.catalog import CatalogTable

CODE_WIDTH = 10
GEMEENTENAAM_WIDTH = 40
REGIOS_WIDTH = 6
UNTYPED_WIDTH = 12
CATEGORY_WIDTH = 6  # SoortMisdrijf keys such as '3.1.1 '
CODE_LIST_WIDTH = 8  # Delict and Leeftijd keys such as 'T001    '
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


def _percentage(key: str, title: str) -> Topic:
    """An ownership share: percentage of the dwelling stock, rounded to whole percents as CBS does."""
    return Topic(key, title, key, "Double", "%", decimals=0, description=f"{title}, % van de woningvoorraad.")


KERNCIJFERS_LAYOUT = (
    TopicGroup(
        "Regioaanduiding",
        "Regioaanduiding",
        (
            # Units as real downloads head these topics: `Regioaanduiding/Gemeentenaam (naam)`.
            Topic(
                "Gemeentenaam", "Gemeentenaam", "gemeente_name", "String", "naam", pad_to=GEMEENTENAAM_WIDTH
            ),
            Topic("SoortRegio", "Soort regio", "soort", "String", "omschrijving", pad_to=CODE_WIDTH),
            Topic("Codering", "Codering", "code", "String", "code", pad_to=CODE_WIDTH),
            Topic(
                "IndelingswijzigingWijkenEnBuurten",
                "Indelingswijziging wijken en buurten",
                "indeling",
                "String",
                "code",
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
            TopicGroup(
                "Eigendom",
                "Eigendom",
                (
                    _percentage("Koopwoningen", "Koopwoningen"),
                    _percentage("HuurwoningenTotaal", "Huurwoningen totaal"),
                    _percentage("InBezitWoningcorporatie", "In bezit woningcorporatie"),
                    _percentage("InBezitOverigeVerhuurders", "In bezit overige verhuurders"),
                    _percentage("EigendomOnbekend", "Eigendom onbekend"),
                ),
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

# Modelled on 47018NED/47022NED: Geregistreerde misdrijven; soort misdrijf, wijk en buurt.
MISDRIJVEN_LAYOUT = (Topic("GeregistreerdeMisdrijven", "Geregistreerde misdrijven", "registered_crimes"),)
# Modelled on 85655NED: Verdachten; delictgroep, leeftijd, woongemeente (rounded to multiples of 10).
VERDACHTEN_LAYOUT = (Topic("Verdachten", "Verdachten", "suspects", description="Afgerond op tientallen."),)
# Modelled on 83625NED: Bestaande koopwoningen; verkoopprijzen, regio.
VERKOCHTE_WONINGEN_LAYOUT = (
    Topic("GemiddeldeVerkoopprijs", "Gemiddelde verkoopprijs", "GemiddeldeVerkoopprijs", unit="euro"),
    Topic("VerkochteWoningen", "Verkochte woningen", "VerkochteWoningen"),
)


@dataclass(frozen=True)
class Dimension:
    """A dimension other than region and period: its key, and the parquet columns of code and title."""

    key: str
    title: str
    code: str
    label: str
    width: int


@dataclass(frozen=True)
class FamilyShape:
    file_prefix: str  # synthetic data file: <prefix>_<year>.parquet
    layout: tuple
    region_width: int
    region_title: str
    region_code: str  # parquet column with the region code
    region_name: str
    dimensions: tuple[Dimension, ...] = ()


FAMILY_SHAPES = {
    "kerncijfers_wijken_buurten": FamilyShape(
        "kerncijfers", KERNCIJFERS_LAYOUT, CODE_WIDTH, "Wijken en buurten", "code", "name"
    ),
    "gebieden_in_nederland": FamilyShape(
        "gebieden", GEBIEDEN_LAYOUT, REGIOS_WIDTH, "Regio's", "gemeente_code", "gemeente_name"
    ),
    "geregistreerde_misdrijven": FamilyShape(
        "misdrijven",
        MISDRIJVEN_LAYOUT,
        CODE_WIDTH,
        "Wijken en buurten",
        "code",
        "name",
        (Dimension("SoortMisdrijf", "Soort misdrijf", "crime_code", "crime_title", CATEGORY_WIDTH),),
    ),
    "verdachten": FamilyShape(
        "verdachten",
        VERDACHTEN_LAYOUT,
        REGIOS_WIDTH,
        "Woongemeente",
        "code",
        "name",
        (
            Dimension("Delict", "Delict", "offence_code", "offence_title", CODE_LIST_WIDTH),
            Dimension("Leeftijd", "Leeftijd", "age_code", "age_title", CODE_LIST_WIDTH),
        ),
    ),
    "verkochte_woningen": FamilyShape(
        "verkochte_woningen", VERKOCHTE_WONINGEN_LAYOUT, REGIOS_WIDTH, "Regio's", "code", "name"
    ),
}
PERIOD_DIMENSION = "Perioden"


@dataclass
class CbsTable:
    """All entity sets of one table, as lists of JSON-ready dicts."""

    table_id: str
    entity_sets: dict[str, list[dict]]

    def columns(self, entity_set: str) -> list[str]:
        rows = self.entity_sets[entity_set]
        return list(rows[0]) if rows else []


def data_file(data_dir: Path, table: CatalogTable) -> Path:
    return Path(data_dir) / f"{FAMILY_SHAPES[table.family].file_prefix}_{table.year}.parquet"


def _numbered_topics(
    layout: tuple, year: int, first_id: int = 1
) -> tuple[list[dict], list[tuple[str, Topic]]]:
    """DataProperties entries after the dimensions, and (CBS key, topic) pairs in column order."""
    properties: list[dict] = []
    topics: list[tuple[str, Topic]] = []

    def walk(nodes: tuple, parent_id: int | None) -> None:
        for node in nodes:
            if isinstance(node, Topic) and node.from_year > year:
                continue
            entry_id = first_id + len(properties)
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


def _dimension_property(entry_id: int, kind: str, key: str, title: str, **extra) -> dict:
    return {
        "odata.type": f"Cbs.OData.{kind}",
        "ID": entry_id,
        "Position": entry_id,
        "ParentID": None,
        "Type": kind,
        "Key": key,
        "Title": title,
        "Description": None,
        **extra,
    }


def _period_statuses(count: int) -> list[str]:
    """As CBS marks a series that is still being revised: the newest year provisional (`2025*`), the
    year before revised provisional (`2024**`), older years definitive."""
    tail = ["Nader voorlopig", "Voorlopig"][-count:] if count > 1 else ["Voorlopig"]
    return ["Definitief"] * (count - len(tail)) + tail


def _period_title(period: str) -> str:
    # 2023JJ00 is the year 2023; CBS also has months (2023MM01) and quarters (2023KW01).
    return period[:4] if period.endswith("JJ00") else period


def build_table(data_dir: Path, table: CatalogTable | Sequence[CatalogTable]) -> CbsTable:
    """Build every entity set CBS serves for a table from the synthetic parquet files.

    `table` is one catalog entry, or every entry of one multi-period table id: then the data set
    holds all their periods, with a `Perioden` TimeDimension (keys such as 2023JJ00).
    """
    entries = (table,) if isinstance(table, CatalogTable) else tuple(sorted(table, key=lambda t: t.year))
    first = entries[0]
    if len({(e.table_id, e.family) for e in entries}) != 1 or (len(entries) > 1 and not first.period):
        raise ValueError(f"one table id per build: {[e.label for e in entries]}")
    shape = FAMILY_SHAPES[first.family]
    multi_period = first.period is not None
    region = first.region_dimension

    dimension_properties = [
        _dimension_property(position, "Dimension", d.key, d.title)
        for position, d in enumerate(shape.dimensions)
    ]
    dimension_properties.append(
        _dimension_property(
            len(dimension_properties),
            "GeoDimension",
            region,
            shape.region_title,
            MapYear=str(entries[-1].year),
            ReleasePolicy=False,
        )
    )
    if multi_period:
        dimension_properties.append(
            _dimension_property(len(dimension_properties), "TimeDimension", PERIOD_DIMENSION, "Perioden")
        )
    topic_properties, topics = _numbered_topics(shape.layout, first.year, first_id=len(dimension_properties))

    frames = [(entry, pd.read_parquet(data_file(data_dir, entry))) for entry in entries]
    group_ids: dict[str, int] = {}
    if first.family == "kerncijfers_wijken_buurten":
        for _, frame in frames:
            for name in frame.loc[frame["soort"] == "Gemeente", "gemeente_name"]:
                group_ids.setdefault(name, len(group_ids) + 1)
    category_groups = [
        {"ID": gid, "DimensionKey": region, "Title": name, "Description": None, "ParentID": None}
        for name, gid in group_ids.items()
    ]

    region_rows: dict[str, dict] = {}
    category_rows: dict[str, dict[str, dict]] = {d.key: {} for d in shape.dimensions}
    typed_rows, untyped_rows = [], []
    for entry, frame in frames:
        for record in frame.to_dict("records"):
            key = str(record[shape.region_code]).ljust(shape.region_width)
            # A region code keeps the name of the newest period it appears in.
            region_rows[key] = {
                "Key": key,
                "Title": record[shape.region_name],
                "Description": None,
                "CategoryGroupID": group_ids.get(record.get("gemeente_name")) if group_ids else None,
            }
            index = len(typed_rows)
            typed = {"ID": index}
            for dimension in shape.dimensions:
                category = str(record[dimension.code]).ljust(dimension.width)
                category_rows[dimension.key].setdefault(
                    category,
                    {
                        "Key": category,
                        "Title": record[dimension.label],
                        "Description": None,
                        "CategoryGroupID": None,
                    },
                )
                typed[dimension.key] = category
            typed[region] = key
            if multi_period:
                typed[PERIOD_DIMENSION] = entry.period
            untyped = dict(typed)
            for cbs_key, topic in topics:
                value = _typed(record[topic.source], topic)
                typed[cbs_key] = value
                untyped[cbs_key] = (
                    value if topic.datatype == "String" and value is not None else _untyped(value)
                )
            typed_rows.append(typed)
            untyped_rows.append(untyped)

    last_year = entries[-1].year
    table_info = {
        "ID": 0,
        "Title": first.title,
        "ShortTitle": first.title,
        "Identifier": first.table_id,
        "Summary": f"{first.title} (synthetic data served by Zicht's local OData server)",
        "Modified": f"{last_year + 1}-07-01T02:00:00",
        "ReasonDelivery": "Actualisering",
        "Language": "nl",
        "Catalog": "CBS",
        "Frequency": "Perjaar",
        "Period": f"{first.year}-{last_year}" if multi_period else str(first.year),
        "ShortDescription": first.title,
        "Description": None,
        "OutputStatus": "Regulier",
        "Source": "CBS (synthetisch)",
        "MetaDataModified": f"{last_year + 1}-07-01T02:00:00",
    }
    entity_sets = {
        "TableInfos": [table_info],
        "UntypedDataSet": untyped_rows,
        "TypedDataSet": typed_rows,
        "DataProperties": dimension_properties + topic_properties,
        "CategoryGroups": category_groups,
    }
    for dimension in shape.dimensions:
        entity_sets[dimension.key] = list(category_rows[dimension.key].values())
    entity_sets[region] = list(region_rows.values())
    if multi_period:
        statuses = _period_statuses(len(entries))
        entity_sets[PERIOD_DIMENSION] = [
            {"Key": e.period, "Title": _period_title(e.period), "Description": None, "Status": status}
            for e, status in zip(entries, statuses, strict=True)
        ]
    return CbsTable(table_id=first.table_id, entity_sets=entity_sets)
