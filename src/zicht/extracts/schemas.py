"""One declared schema per extract type: the single source for the loader, the checks and the docs.

A column declares its type, whether it is required, its format, its allowed values, which region
list it must be found in, and whether it identifies a person, company or address (`identifying`):
identifying columns may enter the private raw and staging layers, never a published mart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column types the loader knows; each maps to a DuckDB type in the raw table.
DUCKDB_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "decimal": "DOUBLE", "date": "DATE"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # string, integer, decimal or date
    description: str
    required: bool = True
    pattern: str | None = None  # full-match regular expression for strings
    date_format: str | None = None  # strptime format for dates
    allowed: tuple[str, ...] = ()  # closed set of values
    minimum: float | None = None  # smallest allowed number
    region_level: str | None = None  # gemeente, wijk or buurt: the code must exist in the region list
    sbi: bool = False  # an SBI 2008 code, checked against the reference in sbi_divisions.csv
    identifying: bool = False

    def __post_init__(self) -> None:
        if self.type not in DUCKDB_TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")
        if self.type == "date" and not self.date_format:
            raise ValueError(f"column {self.name}: a date column needs a date_format")

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class Dialect:
    """One accepted way to write the file: delimiter, encodings and the decimal mark that goes with it."""

    delimiter: str
    encodings: tuple[str, ...]
    decimal: str


@dataclass(frozen=True)
class ExtractSchema:
    source: str  # inbox folder and manifest source: kvk or om
    dataset: str  # landing dataset name
    raw_table: str  # table in the warehouse raw schema
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    dialects: tuple[Dialect, ...]
    file_types: tuple[str, ...]  # accepted file name endings
    # Which year's region list a code is checked against: a column holding the year, or None for the
    # newest year in the list (a register snapshot uses today's indeling).
    region_year_column: str | None = None
    row_rules: tuple[str, ...] = field(default_factory=tuple)  # cross-column rules, see validation.py

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.source} has no column {name!r}")

    @property
    def identifying_columns(self) -> set[str]:
        return {c.name for c in self.columns if c.identifying}


KVK_DATE = "%Y-%m-%d"
OM_DATE = "%d-%m-%Y"

KVK = ExtractSchema(
    source="kvk",
    dataset="vestigingen",
    raw_table="kvk_vestigingen",
    description="KvK Handelsregister: one row per establishment (vestiging), open or closed.",
    columns=(
        Column("kvk_nummer", "string", "KvK number of the company", pattern=r"\d{8}", identifying=True),
        Column("vestigingsnummer", "string", "establishment number", pattern=r"\d{12}", identifying=True),
        Column("statutaire_naam", "string", "statutory name", identifying=True),
        Column(
            "rechtsvorm",
            "string",
            "legal form",
            allowed=(
                "Eenmanszaak",
                "Vennootschap onder firma",
                "Commanditaire vennootschap",
                "Besloten vennootschap",
                "Naamloze vennootschap",
                "Stichting",
                "Vereniging",
                "Coöperatie",
            ),
        ),
        Column("sbi_code", "string", "main activity, SBI 2008 (4 or 5 digits)", pattern=r"\d{4,5}", sbi=True),
        Column(
            "postcode",
            "string",
            "postcode, 4 digits and 2 capitals",
            pattern=r"[1-9]\d{3}[A-Z]{2}",
            identifying=True,
        ),
        Column("huisnummer", "integer", "house number", minimum=1, identifying=True),
        Column(
            "buurt_code",
            "string",
            "buurt of the address (newest indeling)",
            pattern=r"BU[0-9A-Z]{8}",
            region_level="buurt",
        ),
        Column("registratiedatum", "date", "date registered at KvK", date_format=KVK_DATE),
        Column("startdatum", "date", "date the establishment started", date_format=KVK_DATE),
        Column("einddatum", "date", "date it closed; empty while open", required=False, date_format=KVK_DATE),
        Column("werkzame_personen", "integer", "working persons", minimum=0),
    ),
    key=("vestigingsnummer",),
    dialects=(Dialect(";", ("utf-8", "utf-8-sig"), ","),),
    file_types=(".csv", ".xlsx"),
    region_year_column=None,
    row_rules=("end_not_before_start",),
)

DELICTGROEPEN = (
    "opiumwet_harddrugs",
    "opiumwet_softdrugs",
    "witwassen",
    "vastgoedfraude",
    "bedreiging",
    "openlijke_geweldpleging",
    "mishandeling",
    "diefstal_inbraak",
    "vernieling",
    "wapenbezit",
    "verkeer",
    "fraude_overig",
)

OM = ExtractSchema(
    source="om",
    dataset="zaken",
    raw_table="om_zaken",
    description="OM (Openbaar Ministerie): one row per criminal case (zaak) decided in a year.",
    columns=(
        Column(
            "zaak_id", "string", "parket number of the case", pattern=r"\d{2}/\d{6}-\d{2}", identifying=True
        ),
        Column("jaar", "integer", "year of the decision", minimum=2000),
        Column("datum", "date", "date of the decision", date_format=OM_DATE),
        Column("delictgroep", "string", "offence group", allowed=DELICTGROEPEN),
        Column(
            "pleeggemeente",
            "string",
            "gemeente where the offence took place",
            pattern=r"GM\d{4}",
            region_level="gemeente",
        ),
        Column(
            "woongemeente",
            "string",
            "gemeente where the suspect lives; empty if unknown or abroad",
            required=False,
            pattern=r"GM\d{4}",
            region_level="gemeente",
        ),
        Column(
            "leeftijdsgroep",
            "string",
            "age group of the suspect",
            allowed=("12-17", "18-24", "25-44", "45-64", "65+", "onbekend"),
        ),
        Column(
            "afdoening",
            "string",
            "how the case was decided",
            allowed=("dagvaarding", "strafbeschikking", "transactie", "sepot"),
        ),
        Column(
            "bedrag_eur",
            "decimal",
            "fine or transaction amount in euros; empty if none",
            required=False,
            minimum=0,
        ),
    ),
    key=("zaak_id",),
    dialects=(
        Dialect(";", ("cp1252", "utf-8", "utf-8-sig"), ","),
        Dialect(",", ("utf-8", "utf-8-sig"), "."),
    ),
    file_types=(".csv",),
    region_year_column="jaar",
    row_rules=("year_matches_date",),
)

REGION_CODE = r"GM\d{4}|WK\d{6}|BU[0-9A-Z]{8}"

HERINDELING = ExtractSchema(
    source="herindeling",
    dataset="herindelingen",
    raw_table="herindeling_codes",
    description=(
        "Conversion of the region codes of each year to the newest indeling (gemeentelijke herindelingen),"
        " as CBS publishes them with each year's division: one row per old code and new code."
    ),
    columns=(
        Column("jaar", "integer", "year whose indeling the old code belongs to", minimum=2000),
        Column("niveau", "string", "region level", allowed=("gemeente", "wijk", "buurt")),
        Column("oude_code", "string", "code in that year", pattern=REGION_CODE),
        Column("nieuwe_code", "string", "code in the newest indeling", pattern=REGION_CODE),
        Column(
            "aandeel", "decimal", "share of the old region going to the new one (1 unless split)", minimum=0
        ),
    ),
    key=("jaar", "niveau", "oude_code", "nieuwe_code"),
    dialects=(Dialect(";", ("utf-8", "utf-8-sig"), ","),),
    file_types=(".csv",),
    region_year_column=None,
    row_rules=("level_matches_codes", "share_at_most_one"),
)

SCHEMAS: dict[str, ExtractSchema] = {schema.source: schema for schema in (KVK, OM, HERINDELING)}


def source_for_file(file_name: str) -> str:
    """The extract source a delivered file belongs to, by its name (kvk_..., om_..., herindeling_...)."""
    prefix = file_name.split("_", 1)[0].lower()
    if prefix not in SCHEMAS:
        raise ValueError(f"{file_name}: no extract source is called {prefix!r}; known: {sorted(SCHEMAS)}")
    return prefix


def schema_for(source: str) -> ExtractSchema:
    try:
        return SCHEMAS[source]
    except KeyError:
        raise ValueError(f"unknown extract source {source!r}; known: {sorted(SCHEMAS)}") from None


def identifying_columns(source: str) -> set[str]:
    """Columns that identify a person, company or address: never allowed in a published mart."""
    return schema_for(source).identifying_columns
