"""The job list shared by the dbt model int_disclosure_cells and the national benchmark."""

import pandas as pd
import pytest

from zicht.disclosure import DisclosureError
from zicht.disclosure.jobs import OUTPUT_DTYPES, count_tables, protect_jobs, protected_measures, table_jobs
from zicht.indicators import load_catalog

REGION_COLUMNS = ["region_level", "region_code", "wijk_code", "gemeente_code", "province_code", "riec_code"]
REGIONS = pd.DataFrame(
    [
        ("nederland", "NL00", None, None, None, None),
        ("provincie", "PV20", None, None, "PV20", None),
        ("riec", "RIEC01", None, None, None, "RIEC01"),
        ("gemeente", "GM0001", None, "GM0001", "PV20", "RIEC01"),
        ("gemeente", "GM0002", None, "GM0002", "PV20", "RIEC01"),
        ("wijk", "WK000101", None, "GM0001", "PV20", "RIEC01"),
        ("buurt", "BU00010101", "WK000101", "GM0001", "PV20", "RIEC01"),
    ],
    columns=REGION_COLUMNS,
)


def _amounts(measure, category, year, counts):
    return [(measure, category, year, level, code, amount) for level, code, amount in counts]


def test_one_table_per_numerator_and_year_at_the_levels_its_indicators_show():
    catalog = load_catalog()
    harddrugs = catalog.indicator("drugs_om_harddrugs").numerator
    vastgoed = catalog.indicator("vastgoed_vastgoedbedrijven").numerator
    om = [("nederland", "NL00", 30.0), ("provincie", "PV20", 30.0), ("riec", "RIEC01", 30.0),
          ("gemeente", "GM0001", 30.0)]  # fmt: skip
    kvk = [("nederland", "NL00", 5.0), ("gemeente", "GM0002", 5.0)]
    amounts = pd.DataFrame(
        _amounts(harddrugs.measure, harddrugs.category, 2024, om)
        + _amounts(harddrugs.measure, harddrugs.category, 2023, om)
        + _amounts(vastgoed.measure, vastgoed.category, 2024, kvk)
        + _amounts("misdrijven", "1.1.1", 2024, om),  # a CBS figure: CBS protects it
        columns=["measure", "category", "period_year", "region_level", "region_code", "amount"],
    )
    jobs = table_jobs(catalog, ["96021"], REGIONS, amounts)

    assert [job.name for job in jobs] == [
        f"{vastgoed.measure}/{vastgoed.category}/2024",
        f"{harddrugs.measure}/{harddrugs.category}/2023",
        f"{harddrugs.measure}/{harddrugs.category}/2024",
    ]
    om_cells = jobs[1].cells.set_index("region_code")
    assert set(om_cells["region_level"]) == {"nederland", "provincie", "riec", "gemeente"}  # no wijk, buurt
    assert om_cells.loc["GM0002", "value"] == 0.0  # no record: zero
    assert om_cells.loc["GM0001", ["parent_code", "riec_code"]].tolist() == ["PV20", "RIEC01"]
    kvk_cells = jobs[0].cells.set_index("region_code")
    assert kvk_cells.loc["BU00010101", "parent_code"] == "WK000101"
    assert kvk_cells.loc["WK000101", "parent_code"] == "GM0001"
    assert jobs[0].disclosure_class == "companies" and jobs[1].disclosure_class == "persons"
    assert "misdrijven" not in protected_measures(catalog)
    assert {harddrugs.measure, vastgoed.measure} <= set(protected_measures(catalog))


def test_no_jobs_give_the_typed_empty_table():
    frame = protect_jobs([])
    assert frame.empty
    assert {column: str(dtype) for column, dtype in frame.dtypes.items()} == OUTPUT_DTYPES


def test_counts_published_only_as_denominators_are_protected_too():
    catalog = load_catalog()
    tables = count_tables(catalog, ["96021"])
    drugs_cases = catalog.indicator("drugs_om_jong_aandeel").denominator
    assert (drugs_cases.measure, drugs_cases.category) in tables  # the denominator of a share only
    # a denominator of the numerator's category follows the branch, as in int_indicator_inputs
    begin = catalog.indicator("kb_oprichtingen").denominator
    assert tables[(begin.measure, "96021")]["levels"] == set(
        catalog.indicator("kb_oprichtingen").breakdown_levels
    )


def _working_persons(counts, contributors):
    amounts = pd.DataFrame(
        _amounts("kvk_werkzame_personen", "kwetsbaar", 2024, counts),
        columns=["measure", "category", "period_year", "region_level", "region_code", "amount"],
    )
    return amounts, pd.DataFrame(
        [("kvk_werkzame_personen", "kwetsbaar", 2024, *row) for row in contributors],
        columns=[
            "measure",
            "category",
            "period_year",
            "region_level",
            "region_code",
            "contributors",
            "top1",
            "top2",
        ],
    )


def test_a_magnitude_carries_its_largest_contributors_and_is_protected_for_dominance():
    catalog = load_catalog()
    assert catalog.indicator("kb_werkzame_personen").disclosure_class == "magnitude"
    # one establishment of 200 working persons among 4 in GM0001: dominated; GM0002 is not
    counts = [("nederland", "NL00", 260.0), ("provincie", "PV20", 260.0), ("riec", "RIEC01", 260.0),
              ("gemeente", "GM0001", 215.0), ("gemeente", "GM0002", 45.0),
              ("wijk", "WK000101", 215.0)]  # fmt: skip
    contributors = [("nederland", "NL00", 14, 200.0, 8.0), ("provincie", "PV20", 14, 200.0, 8.0),
                    ("riec", "RIEC01", 14, 200.0, 8.0), ("gemeente", "GM0001", 4, 200.0, 8.0),
                    ("gemeente", "GM0002", 10, 8.0, 7.0), ("wijk", "WK000101", 4, 200.0, 8.0)]  # fmt: skip
    amounts, tops = _working_persons(counts, contributors)
    [job] = [
        job
        for job in table_jobs(catalog, [], REGIONS, amounts, tops)
        if job.measure == "kvk_werkzame_personen"
    ]
    assert job.disclosure_class == "magnitude"
    cells = job.cells.set_index("region_code")
    assert cells.loc["GM0001", ["contributors", "top1", "top2"]].tolist() == [4, 200.0, 8.0]
    assert "buurt" not in set(cells["region_level"])  # the indicator is shown down to wijk

    protected = protect_jobs([job]).set_index("region_code")
    assert protected.loc["GM0001", "reason"] == "primary_dominance"
    assert protected.loc["WK000101", "reason"] == "primary_dominance"
    assert protected.loc["GM0002", "status"] != "primary"
    assert bool(protected["table_passed"].all())


def test_a_magnitude_without_its_contributors_is_refused_naming_the_cell():
    catalog = load_catalog()
    amounts, tops = _working_persons(
        [("nederland", "NL00", 10.0), ("gemeente", "GM0001", 10.0)], [("nederland", "NL00", 3, 5.0, 3.0)]
    )
    with pytest.raises(
        DisclosureError, match=r"kvk_werkzame_personen/kwetsbaar/2024: gemeente GM0001: a magnitude"
    ):
        table_jobs(catalog, [], REGIONS, amounts, tops)
    with pytest.raises(DisclosureError, match="needs its contributors"):
        table_jobs(catalog, [], REGIONS, amounts)
