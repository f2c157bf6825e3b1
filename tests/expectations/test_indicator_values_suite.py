"""The indicator_values suite: each SQL rule passes valid rows and catches rows made to break it."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from tests.expectations.batch import fill_batch
from zicht.indicators import load_catalog
from zicht.quality.suites import load_expectations_package

suite = load_expectations_package().indicator_values


def catalog_names(code: str) -> dict:
    """The names a value of indicator `code` carries: the catalog's."""
    catalog = load_catalog()
    indicator = next(i for i in catalog.indicators if i.code == code)
    return {
        "theme_name": catalog.themes[indicator.theme].name_nl,
        "indicator_name": indicator.name_nl,
        "unit": indicator.unit,
    }


NEDERLAND = {
    "period_year": 2024,
    "region_level": "nederland",
    "region_code": "NL00",
    "gemeente_name": None,
    "wijk_code": None,
    "wijk_name": None,
    "wijk_label": None,
    "theme_code": "drugs",
    "indicator_code": "drugs_om_harddrugs",
    **catalog_names("drugs_om_harddrugs"),
    "breakdown_code": "totaal",
    "numerator": 100.0,
    "denominator": 100_000.0,
    "value": 10.0,
    "national_value": 10.0,
    "index_nl": 100.0,
    "ratio": 1.0,
    "ratio_lower": None,
    "ratio_upper": None,
    "significance": None,
    "z_score": None,
    "overdispersion_phi": None,
    "is_overdispersed": False,
    "variance_inflation": 1.0,
    "between_region_variance": 0.0,
    "z_score_adjusted": None,
    "control_lower": None,
    "control_upper": None,
    "significance_adjusted": None,
    "is_signal": False,
    "rest_value": None,
    "ratio_rest": None,
    "ratio_rest_lower": None,
    "ratio_rest_upper": None,
    "significance_rest": None,
    "percentile_rank": 0.0,
    "is_published": True,
    "suppression_reason": None,
}
GEMEENTE = {
    **NEDERLAND,
    "region_level": "gemeente",
    "region_code": "GM0014",
    "gemeente_name": "Groningen",
    "numerator": 30.0,
    "denominator": 10_000.0,
    "value": 30.0,
    "index_nl": 300.0,
    "ratio": 3.0,
    "ratio_lower": 2.02,
    "ratio_upper": 4.28,
    "significance": "hoger",
    # Of overdispersed gemeenten (phi 4, multiplicative): limits (1 +/- 1.96 sqrt(4 / 40))^2 at E = 10.
    "z_score": 2 * (30**0.5 - 10**0.5),
    "overdispersion_phi": 4.0,
    "is_overdispersed": True,
    "variance_inflation": 4.0,
    "between_region_variance": 0.0,
    "z_score_adjusted": (30**0.5 - 10**0.5),
    "control_lower": 0.145,
    "control_upper": 2.624,
    "significance_adjusted": "hoger",
    "is_signal": True,
    # Nederland without it: 70 on 90 000; the conditional exact interval of the rate ratio.
    "rest_value": 7.78,
    "ratio_rest": 3.857,
    "ratio_rest_lower": 2.427,
    "ratio_rest_upper": 5.995,
    "significance_rest": "hoger",
    "percentile_rank": 1.0,
}
CENTRUM = {"wijk_code": "WK001401", "wijk_name": "Centrum", "wijk_label": "Groningen: Centrum (WK001401)"}
NOORD = {"wijk_code": "WK001402", "wijk_name": "Noord", "wijk_label": "Groningen: Noord (WK001402)"}
INSIDE_THE_WIDENED_LIMITS = {
    **GEMEENTE,
    "region_code": "GM0015",
    "numerator": 14.0,
    "value": 14.0,
    "index_nl": 140.0,
    "ratio": 1.4,
    "ratio_lower": 1.09,
    "ratio_upper": 1.77,
    "significance_adjusted": "niet_significant",
    "is_signal": False,
    "percentile_rank": 0.5,
}
SMALL = {
    **GEMEENTE,
    "region_code": "GM0034",
    "numerator": 12.0,  # shown, though its value is not: a count of at least 10 persons
    "denominator": 500.0,
    "value": None,
    "index_nl": None,
    "ratio": None,
    "ratio_lower": None,
    "ratio_upper": None,
    "significance": None,
    "z_score": None,
    "z_score_adjusted": None,
    "control_lower": None,
    "control_upper": None,
    "significance_adjusted": None,
    "is_signal": False,
    "rest_value": None,
    "ratio_rest": None,
    "ratio_rest_lower": None,
    "ratio_rest_upper": None,
    "significance_rest": None,
    "percentile_rank": None,
    "is_published": False,
    "suppression_reason": "small_denominator",
}
SHARE_NL = {
    **NEDERLAND,
    "indicator_code": "drugs_om_jong_aandeel",
    **catalog_names("drugs_om_jong_aandeel"),
    "numerator": 20.0,
    "denominator": 100.0,
    "value": 20.0,
    "national_value": 20.0,
}
VALID = [NEDERLAND, GEMEENTE, INSIDE_THE_WIDENED_LIMITS, SMALL, SHARE_NL]

RULES = {
    "catalog": suite.catalog_rules_query(),
    "catalog_names": suite.catalog_names_query(),
    "wijk": suite.wijk_query(),
    "minimum": suite.minimum_denominator_query(),
    "frequency": suite.minimum_frequency_query(),
    "dominance": suite.dominance_query(),
    "totals": suite.totals_query(),
    "withheld_elsewhere": suite.withheld_elsewhere_query(),
    "range": suite.range_query(),
    "suppression": suite.suppression_query(),
    "index": suite.index_query(),
    "national": suite.national_value_query(),
    "one_nederland": suite.one_nederland_row_query(),
    "significance": suite.significance_query(),
    "signal": suite.signal_query(),
    "overdispersion": suite.overdispersion_query(),
    "rest": suite.rest_of_nederland_query(),
}


CONTRIBUTOR_COLUMNS = ["measure", "category", "period_year", "region_level", "region_code", "contributors",
                       "top1", "top2"]  # fmt: skip


# The reference indeling: (region_level, region_code, wijk_code, gemeente_code, province_code, riec_code)
REGIONS = [
    ("nederland", "NL00", None, None, None, None),
    ("provincie", "PV20", None, None, "PV20", None),
    ("provincie", "PV21", None, None, "PV21", None),
    ("riec", "RIEC01", None, None, None, "RIEC01"),
    ("gemeente", "GM0014", None, "GM0014", "PV20", "RIEC01"),
    ("gemeente", "GM0016", None, "GM0016", "PV21", "RIEC01"),
]
REGION_COLUMNS = ["region_level", "region_code", "wijk_code", "gemeente_code", "province_code", "riec_code"]


def unexpected(rule: str, rows: list[dict], contributors: list[tuple] = (), regions=REGIONS) -> list[tuple]:
    """The rows the rule finds in a batch of `rows`, with the private tables some rules read: the
    contributors of magnitudes and the reference indeling."""
    with duckdb.connect() as connection:
        connection.register("incoming", pd.DataFrame(rows))
        connection.execute("CREATE TABLE indicator_values AS SELECT * FROM incoming")
        connection.register("tops", pd.DataFrame(list(contributors), columns=CONTRIBUTOR_COLUMNS))
        connection.register("reference", pd.DataFrame(list(regions), columns=REGION_COLUMNS))
        connection.execute("CREATE SCHEMA intermediate")
        connection.execute("CREATE TABLE intermediate.int_magnitude_contributors AS SELECT * FROM tops")
        connection.execute("CREATE TABLE intermediate.int_reference_regions AS SELECT * FROM reference")
        return connection.execute(fill_batch(RULES[rule], "indicator_values")).fetchall()


@pytest.mark.parametrize("rule", sorted(RULES))
def test_valid_rows_pass_every_rule(rule):
    assert unexpected(rule, VALID) == []


@pytest.mark.parametrize(
    ("rule", "broken"),
    [
        ("catalog", {**GEMEENTE, "indicator_code": "onbekend"}),
        ("catalog", {**GEMEENTE, "region_level": "buurt", "region_code": "BU00140101"}),  # OM: not per buurt
        ("catalog", {**GEMEENTE, "theme_code": "wonen"}),
        ("catalog_names", {**GEMEENTE, "indicator_name": "Harddrugs"}),
        ("catalog_names", {**GEMEENTE, **catalog_names("drugs_om_jong_aandeel")}),
        ("catalog_names", {**GEMEENTE, "theme_name": None}),
        ("wijk", {**GEMEENTE, **CENTRUM}),
        ("wijk", {**GEMEENTE, "region_level": "buurt", "region_code": "BU00140101", **NOORD}),
        ("wijk", {**GEMEENTE, "region_level": "wijk", "region_code": "WK001401", "wijk_code": "WK001401"}),
        # the label names the wijk, its gemeente and its code: a name alone repeats
        (
            "wijk",
            {**GEMEENTE, "region_level": "wijk", "region_code": "WK001401", **CENTRUM, "wijk_label": "Zuid"},
        ),
        (
            "wijk",
            {**GEMEENTE, "region_level": "buurt", "region_code": "BU00140101", **CENTRUM, "wijk_label": None},
        ),
        (
            "wijk",
            {
                **GEMEENTE,
                "region_level": "buurt",
                "region_code": "BU00140101",
                **CENTRUM,
                "wijk_label": "Groningen: Centrum (WK001402)",
            },
        ),
        ("minimum", {**SMALL, "value": 20.0, "is_published": True, "suppression_reason": None}),
        ("range", {**SHARE_NL, "region_level": "gemeente", "region_code": "GM0014", "numerator": 120.0}),
        ("range", {**GEMEENTE, "value": -1.0}),
        ("frequency", {**GEMEENTE, "numerator": 4.0, "value": 4.0}),  # 4 OM cases: fewer than 10 persons
        # a denominator from the records is a count shown too: 4 drugs cases
        (
            "frequency",
            {
                **SHARE_NL,
                "region_level": "gemeente",
                "region_code": "GM0014",
                "numerator": 2.0,
                "denominator": 4.0,
                "value": None,
                "is_published": False,
                "suppression_reason": "small_denominator",
            },
        ),  # fmt: skip
        ("suppression", {**SMALL, "suppression_reason": None}),
        ("suppression", {**SMALL, "index_nl": 200.0}),
        ("suppression", {**SMALL, "is_signal": True}),
        ("suppression", {**GEMEENTE, "suppression_reason": "small_denominator"}),
        ("index", {**GEMEENTE, "index_nl": 250.0}),
        ("national", {**GEMEENTE, "national_value": 12.0}),
        ("significance", {**GEMEENTE, "significance": "niet_significant"}),
        ("significance", {**GEMEENTE, "ratio": 5.0}),
        ("signal", {**GEMEENTE, "is_signal": False}),
        ("signal", {**INSIDE_THE_WIDENED_LIMITS, "significance_adjusted": "hoger", "is_signal": True}),
        ("signal", {**GEMEENTE, "control_lower": 1.1}),
        ("signal", {**GEMEENTE, "is_overdispersed": False, "significance_adjusted": "niet_significant"}),
        ("overdispersion", {**INSIDE_THE_WIDENED_LIMITS, "overdispersion_phi": 3.0}),
        ("overdispersion", {**INSIDE_THE_WIDENED_LIMITS, "variance_inflation": 3.0}),
        (
            "overdispersion",
            {**NEDERLAND, "region_level": "gemeente", "region_code": "GM0016", "variance_inflation": 2.0},
        ),
        ("rest", {**GEMEENTE, "significance_rest": "niet_significant"}),
        ("rest", {**GEMEENTE, "ratio_rest": 7.0}),
        ("rest", {**SMALL, "rest_value": 9.9}),
    ],
)
def test_a_broken_row_is_caught(rule, broken):
    rows = [
        row
        for row in VALID
        if row["region_code"] != broken["region_code"] or row["indicator_code"] != broken["indicator_code"]
    ]
    assert unexpected(rule, [*rows, broken]) != []


def test_two_nederland_rows_are_caught():
    assert unexpected("one_nederland", [*VALID, NEDERLAND]) != []


def test_a_count_withheld_in_one_row_and_shown_in_another_is_caught():
    # holiday-park establishments are the numerator of both vp_vestigingen and vp_aandeel_vestigingen
    place = {
        "region_level": "gemeente",
        "region_code": "GM0014",
        "breakdown_code": "totaal",
        "period_year": 2024,
    }
    withheld = {**SMALL, **place, "indicator_code": "vp_vestigingen", "numerator": None,
                "suppression_reason": "secondary"}  # fmt: skip
    shown = {
        **withheld,
        "indicator_code": "vp_aandeel_vestigingen",
        "numerator": 5.0,
        "suppression_reason": None,
    }
    assert unexpected("withheld_elsewhere", [*VALID, withheld]) == []
    assert unexpected("withheld_elsewhere", [*VALID, withheld, shown]) != []


WORKING_PERSONS = {
    **GEMEENTE,
    "theme_code": "kwetsbare_branches",
    "indicator_code": "kb_werkzame_personen",
    "breakdown_code": "4941",
    "numerator": 215.0,
    "denominator": 10_000.0,
    "value": 21.5,
}


@pytest.mark.parametrize(
    ("contributors", "caught"),
    [
        ((10, 40.0, 30.0), False),  # 70 of 215: not dominated
        ((4, 200.0, 8.0), True),  # one establishment is 93 % of it
        ((2, 200.0, 15.0), True),  # too few contributors
        (None, True),  # a magnitude shown that no rule could have checked
    ],
)
def test_a_magnitude_shown_is_checked_against_its_contributors(contributors, caught):
    tops = (
        []
        if contributors is None
        else [("kvk_werkzame_personen", "4941", 2024, "gemeente", "GM0014", *contributors)]
    )
    found = unexpected("dominance", [*VALID, WORKING_PERSONS], tops)
    assert bool(found) is caught
    withheld = {**WORKING_PERSONS, "numerator": None, "value": None, "is_published": False,
                "suppression_reason": "primary_dominance"}  # fmt: skip
    assert unexpected("dominance", [*VALID, withheld], tops) == []  # withheld: nothing shown
    # working persons are no count of companies: the frequency rule on counts does not read them
    assert unexpected("frequency", [*VALID, {**WORKING_PERSONS, "numerator": 2.0}], tops) == []


def _harddrugs(level: str, code: str, count: float | None) -> dict:
    return {**GEMEENTE, "region_level": level, "region_code": code, "numerator": count}


@pytest.mark.parametrize(
    ("counts", "caught"),
    [
        ({"PV20": 30.0, "PV21": 70.0, "RIEC01": 100.0}, False),  # both hierarchies add up to Nederland
        ({"PV20": 30.0, "PV21": 60.0, "RIEC01": 100.0}, True),  # the provinces do not
        ({"PV20": 30.0, "PV21": 70.0, "RIEC01": 90.0}, True),  # the RIEC region does not
        ({"PV20": 30.0, "PV21": None, "RIEC01": 100.0}, False),  # a part withheld: nothing to compare
        ({"PV20": 30.0, "RIEC01": 100.0}, False),  # a part without a row: nothing to compare
    ],
)
def test_published_totals_agree_with_their_parts(counts, caught):
    levels = {"PV20": "provincie", "PV21": "provincie", "RIEC01": "riec"}
    rows = [NEDERLAND] + [_harddrugs(levels[code], code, count) for code, count in counts.items()]
    assert bool(unexpected("totals", rows)) is caught


@pytest.mark.parametrize(("wijken", "caught"), [((5.0, 10.0), False), ((10.0, 15.0), True)])
def test_rounded_parts_may_differ_from_their_total_by_their_rounding(wijken, caught):
    # gemeente 13, its two wijken rounded to 5: within 2 x 2.5 of 13, or not
    regions = [*REGIONS, ("wijk", "WK001401", None, "GM0014", "PV20", "RIEC01"),
               ("wijk", "WK001402", None, "GM0014", "PV20", "RIEC01")]  # fmt: skip
    rows = [
        NEDERLAND,
        _harddrugs("gemeente", "GM0014", 13.0),
        *(_harddrugs("wijk", f"WK00140{i + 1}", count) for i, count in enumerate(wijken)),
    ]
    assert bool(unexpected("totals", rows, regions=regions)) is caught


def test_a_wijk_and_its_buurt_carry_that_wijk():
    rows = [
        {**GEMEENTE, "region_level": "wijk", "region_code": "WK001401", **CENTRUM},
        {**GEMEENTE, "region_level": "buurt", "region_code": "BU00140101", **CENTRUM},
    ]
    assert unexpected("wijk", rows) == []
