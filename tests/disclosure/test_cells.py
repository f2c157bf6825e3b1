import pytest

from tests.disclosure.conftest import build_table
from zicht.disclosure import CellTableError, protect_cells


def _row(table, code):
    return table.index[table["region_code"] == code][0]


def test_a_parent_that_is_not_the_sum_of_its_children_names_the_row(leaves, rules):
    table = build_table(leaves)
    table.loc[_row(table, "WK000101"), "value"] += 1
    with pytest.raises(CellTableError) as error:
        protect_cells(table, "persons", rules, table_name="drugs_suspects_2024")
    assert str(error.value) == (
        "drugs_suspects_2024: row 9 (region_code 'WK000101'): value 126 is not the sum of its 3 parts"
        " along parent_code (125)"
    )


def test_a_riec_total_that_is_not_the_sum_of_its_gemeenten_is_refused(leaves, rules):
    table = build_table(leaves)
    table.loc[_row(table, "RIEC01"), "value"] -= 5
    with pytest.raises(CellTableError, match=r"row 3 \(region_code 'RIEC01'\).*parts along riec_code"):
        protect_cells(table, "persons", rules)


def test_negative_counts_are_refused(leaves, rules):
    table = build_table(leaves)
    table.loc[_row(table, "BU00010102"), "contributors"] = -3
    rule = r"row 15 \(region_code 'BU00010102'\): contributors is negative"
    with pytest.raises(CellTableError, match=rule):
        protect_cells(table, "persons", rules)


def test_an_unknown_level_is_refused(leaves, rules):
    table = build_table(leaves)
    table.loc[_row(table, "GM0004"), "region_level"] = "stadsdeel"
    with pytest.raises(CellTableError, match=r"row 8 \(region_code 'GM0004'\): region_level is not one of"):
        protect_cells(table, "persons", rules)


def test_a_parent_outside_the_table_is_refused(leaves, rules):
    table = build_table(leaves)
    table.loc[_row(table, "BU00010202"), "parent_code"] = "WK999999"
    with pytest.raises(CellTableError, match="'BU00010202'.*parent_code is not a region_code of this table"):
        protect_cells(table, "persons", rules)


def test_magnitudes_need_their_largest_contributors(leaves, rules):
    with pytest.raises(CellTableError, match=r"missing columns \['top1', 'top2'\]"):
        protect_cells(build_table(leaves), "magnitude", rules)


def test_a_riec_code_without_riec_rows_is_refused(leaves, rules):
    table = build_table(leaves)
    table = table[table["region_level"] != "riec"].reset_index(drop=True)
    with pytest.raises(
        CellTableError, match=r"\(region_code 'GM\d+'\): riec_code is set but the table has no riec rows"
    ):
        protect_cells(table, "persons", rules)
