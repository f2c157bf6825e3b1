"""Which catalog table a StatLine download is: from `--table-id`, or from the file's name.

StatLine names a download after the table's title and the moment of downloading
(`Kerncijfers_wijken_en_buurten_2024_11122025_141648.csv`); a file may also be named after its id
(`85984NED_TypedDataSet_22072025_143012.csv`, `85984NED.csv`). The title is compared with the
catalog's titles (zicht.statline.format.title_file_stem). The result is every catalog entry of that
one table id: one, or one per period of a table that holds many years.
"""

from __future__ import annotations

from zicht.cbs.catalog import RECIPE, CatalogTable, UnknownCatalogTable, load_catalog, select_tables
from zicht.statline.format import ID_FILE_NAME, TITLE_FILE_NAME, title_file_stem
from zicht.statline.read import StatlineFileError

RULE = "table_id_known"


def table_id_from_file_name(file_name: str) -> str | None:
    match = ID_FILE_NAME.fullmatch(file_name)
    return match.group("table_id").upper() if match else None


def tables_by_title_stem(stem: str) -> list[CatalogTable]:
    """Catalog entries whose title gives this file-name stem (case and accents ignored)."""
    wanted = stem.casefold()
    return [table for table in load_catalog() if title_file_stem(table.title).casefold() == wanted]


def catalog_tables(file_name: str, table_id: str | None = None) -> list[CatalogTable]:
    """Every catalog entry the download can be of; StatlineFileError (rule table_id_known) otherwise."""
    if table_id is not None:
        return _by_id(file_name, table_id)
    from_name = table_id_from_file_name(file_name)
    if from_name is not None:
        return _by_id(file_name, from_name)
    match = TITLE_FILE_NAME.fullmatch(file_name)
    if match is None:
        raise StatlineFileError(
            file_name,
            RULE,
            "no table id given and none in the file name (expected StatLine's `<title>_<ddmmyyyy>_"
            "<hhmmss>.csv`, `<id>_TypedDataSet_....csv` or `<id>.csv`); give the id with --table-id",
        )
    found = tables_by_title_stem(match.group("stem"))
    ids = sorted({table.table_id for table in found})
    if not ids:
        raise StatlineFileError(
            file_name,
            RULE,
            f"no table in the catalog has the title {match.group('stem')!r}; give the id with --table-id,"
            f" or add the table to the catalog as {RECIPE} describes",
        )
    if len(ids) > 1:
        raise StatlineFileError(
            file_name, RULE, f"the title fits tables {', '.join(ids)}; give the id with --table-id"
        )
    return _by_id(file_name, ids[0])


def _by_id(file_name: str, selector: str) -> list[CatalogTable]:
    try:
        return select_tables([selector])
    except UnknownCatalogTable as error:
        raise StatlineFileError(file_name, RULE, str(error)) from None
