"""Suite for the published mart ``indicator_values``, built from the indicator catalog.

What an analyst reads must be one row per (year, level, region, indicator, breakdown), only at the
levels the catalog allows, with a reason for every value that is not published, values in their
possible range, an index and a significance that follow from the published numbers (the exact one,
the one adjusted for overdispersion that drives the signal, and the one against the rest of Nederland),
and one Nederland row per indicator and year.
"""

from __future__ import annotations

import great_expectations as gx
from great_expectations.expectations import Expectation

from zicht.indicators import load_catalog

from .regions import (
    INDEX_TOLERANCE,
    REFERENCE_REGIONS,
    REGION_LEVELS,
    reference_indeling_query,
    region_code_by_level_query,
    sql_literal,
    wijk_query,
)

DATASET = "indicator_values"
GRAIN = ["period_year", "region_level", "region_code", "indicator_code", "breakdown_code"]
SUPPRESSION_REASONS = [
    "primary_frequency",
    "primary_dominance",
    "secondary",
    "national_suppressed",
    "small_denominator",
    "no_value",
]


def _catalog_values(rows: list[tuple]) -> str:
    return ", ".join("(" + ", ".join(sql_literal(str(v)) for v in row) + ")" for row in rows)


def catalog_rules_query() -> str:
    """Rows whose indicator is unknown, whose level the catalog does not allow, or whose theme differs."""
    catalog = load_catalog()
    allowed = _catalog_values([(i.code, i.theme, level) for i in catalog.indicators for level in i.levels])
    return f"""
        SELECT batch.*
        FROM {{batch}} AS batch
        LEFT JOIN (VALUES {allowed}) AS allowed(indicator_code, theme_code, region_level)
            ON batch.indicator_code = allowed.indicator_code
            AND batch.theme_code = allowed.theme_code
            AND batch.region_level = allowed.region_level
        WHERE allowed.indicator_code IS NULL
    """


def catalog_names_query() -> str:
    """Rows whose theme name, indicator name or unit is not the catalog's: dashboards show these."""
    catalog = load_catalog()
    names = _catalog_values(
        [(i.code, catalog.themes[i.theme].name_nl, i.name_nl, i.unit) for i in catalog.indicators]
    )
    return f"""
        SELECT batch.*
        FROM {{batch}} AS batch
        LEFT JOIN (VALUES {names}) AS catalog(indicator_code, theme_name, indicator_name, unit)
            ON batch.indicator_code = catalog.indicator_code
        WHERE batch.theme_name IS DISTINCT FROM catalog.theme_name
           OR batch.indicator_name IS DISTINCT FROM catalog.indicator_name
           OR batch.unit IS DISTINCT FROM catalog.unit
    """


def minimum_denominator_query() -> str:
    """A published value over a denominator below the catalog's minimum."""
    minimums = _catalog_values([(i.code, i.min_denominator) for i in load_catalog().indicators])
    return f"""
        SELECT batch.*
        FROM {{batch}} AS batch
        JOIN (VALUES {minimums}) AS minimum(indicator_code, min_denominator)
            ON batch.indicator_code = minimum.indicator_code
        WHERE batch.value IS NOT NULL AND batch.denominator < CAST(minimum.min_denominator AS DOUBLE)
    """


MAGNITUDE_CONTRIBUTORS = "intermediate.int_magnitude_contributors"


def _record_counts() -> list[tuple[str, str, str, str, bool, int, str]]:
    """(indicator, role, measure, category, follows the branch, minimum frequency, disclosure class)
    of every count from Zicht's own records that an indicator shows, as numerator or as denominator."""
    from zicht.disclosure.rules import load_rules

    catalog, rules = load_catalog(), load_rules()
    return [
        (
            indicator.code,
            role,
            ref.measure,
            ref.category,
            follows,
            rules.rule(indicator.disclosure_class).min_frequency,
            indicator.disclosure_class,
        )
        for indicator in catalog.indicators
        for role, ref, follows in catalog.record_counts(indicator)
    ]


def _record_counts_cte() -> str:
    """One row per count from Zicht's records shown in a row of the batch (NULL where withheld)."""
    counts = _catalog_values(_record_counts())
    return f"""
        WITH record_counts AS (
            SELECT batch.period_year, batch.region_level, batch.region_code, batch.indicator_code,
                   batch.breakdown_code, batch.suppression_reason, counts.role, counts.measure,
                   CASE WHEN batch.breakdown_code <> 'totaal' AND counts.follows = 'True'
                        THEN batch.breakdown_code ELSE counts.category END AS category,
                   CASE counts.role WHEN 'numerator' THEN batch.numerator ELSE batch.denominator END
                       AS amount,
                   CAST(counts.min_frequency AS DOUBLE) AS min_frequency,
                   counts.disclosure_class
            FROM {{batch}} AS batch
            JOIN (VALUES {counts}) AS counts(indicator_code, role, measure, category, follows, min_frequency,
                                             disclosure_class)
                ON batch.indicator_code = counts.indicator_code
        )
    """


def minimum_frequency_query() -> str:
    """A count from Zicht's own records shown (numerator or denominator) below its class's minimum.
    (A magnitude's frequency is that of its contributors: `dominance_query`.)"""
    return (
        _record_counts_cte()
        + """
        SELECT * FROM record_counts
        WHERE disclosure_class <> 'magnitude' AND amount > 0 AND amount < min_frequency
    """
    )


def dominance_query(contributors: str = MAGNITUDE_CONTRIBUTORS) -> str:
    """A magnitude from Zicht's own records shown with too few contributors, or one its largest
    contributors dominate (the NK rule), by the contributors of the private layer; or shown without
    them, which no rule could then have checked."""
    from zicht.disclosure.rules import load_rules

    rule = load_rules().rule("magnitude")
    if rule.has_dominance:
        largest = "coalesce(contributors.top1, 0)" + (
            " + coalesce(contributors.top2, 0)" if rule.dominance_n == 2 else ""
        )
        dominated = f"OR {largest} > shown.amount * {rule.dominance_k!r} / 100 * (1 + 1e-9)"
    else:
        dominated = ""
    return (
        _record_counts_cte()
        + f"""
        SELECT shown.*, contributors.contributors, contributors.top1, contributors.top2
        FROM record_counts AS shown
        LEFT JOIN {contributors} AS contributors
            ON contributors.measure = shown.measure
            AND contributors.category = shown.category
            AND contributors.period_year = shown.period_year
            AND contributors.region_level = shown.region_level
            AND contributors.region_code = shown.region_code
        WHERE shown.disclosure_class = 'magnitude' AND shown.amount > 0
          AND (contributors.contributors IS NULL
               OR contributors.contributors < shown.min_frequency
               {dominated})
    """
    )


def totals_query(reference_regions: str = REFERENCE_REGIONS) -> str:
    """A count from Zicht's own records shown for a region and for every region directly under it (in
    the reference indeling, along the province and the RIEC hierarchy alike) whose parts do not add
    up to it: beyond floating-point noise, and beyond what rounding allows where counts are rounded.
    A parent with a part that is withheld, or that has no row (no denominator), is not compared."""
    from zicht.disclosure.rules import load_rules

    rules = load_rules()
    base = rules.rounding_base
    rounded = ", ".join(sql_literal(level) for level in rules.rounded_levels) or "NULL"
    classes = ", ".join(sql_literal(name) for name in rules.rounded_classes) or "NULL"
    regions = reference_regions
    return (
        _record_counts_cte()
        + f"""
        , shown AS (
            -- a count shown in any row is shown; the same count in two rows is one count
            SELECT measure, category, period_year, region_level, region_code, max(amount) AS amount,
                   any_value(disclosure_class) AS disclosure_class
            FROM record_counts
            GROUP BY measure, category, period_year, region_level, region_code
        ),
        hierarchy AS (
            SELECT region_level AS child_level, region_code AS child_code,
                   'nederland' AS parent_level, 'NL00' AS parent_code
            FROM {regions} WHERE region_level IN ('provincie', 'riec')
            UNION ALL SELECT region_level, region_code, 'provincie', province_code
            FROM {regions} WHERE region_level = 'gemeente'
            UNION ALL SELECT region_level, region_code, 'riec', riec_code
            FROM {regions} WHERE region_level = 'gemeente'
            UNION ALL SELECT region_level, region_code, 'gemeente', gemeente_code
            FROM {regions} WHERE region_level = 'wijk'
            UNION ALL SELECT region_level, region_code, 'wijk', wijk_code
            FROM {regions} WHERE region_level = 'buurt'
        ),
        expected AS (
            SELECT child_level, parent_level, parent_code, count(*) AS children
            FROM hierarchy GROUP BY child_level, parent_level, parent_code
        ),
        parts AS (
            SELECT shown.measure, shown.category, shown.period_year, hierarchy.child_level,
                   hierarchy.parent_level, hierarchy.parent_code,
                   count(shown.amount) AS children_shown, sum(shown.amount) AS children_sum
            FROM shown
            JOIN hierarchy
                ON shown.region_level = hierarchy.child_level AND shown.region_code = hierarchy.child_code
            GROUP BY shown.measure, shown.category, shown.period_year, hierarchy.child_level,
                     hierarchy.parent_level, hierarchy.parent_code
        )
        SELECT parent.*, parts.child_level, parts.children_sum
        FROM parts
        JOIN expected USING (child_level, parent_level, parent_code)
        JOIN shown AS parent
            ON parent.measure = parts.measure AND parent.category = parts.category
            AND parent.period_year = parts.period_year AND parent.region_level = parts.parent_level
            AND parent.region_code = parts.parent_code
        WHERE parent.amount IS NOT NULL AND parts.children_shown = expected.children
          AND abs(parent.amount - parts.children_sum) > 1e-6 * greatest(1, abs(parent.amount))
              + CASE WHEN parent.disclosure_class IN ({classes}) THEN
                    (CASE WHEN parts.child_level IN ({rounded})
                          THEN {base} / 2.0 * expected.children ELSE 0 END)
                    + (CASE WHEN parts.parent_level IN ({rounded}) THEN {base} / 2.0 ELSE 0 END)
                ELSE 0 END
    """
    )


def withheld_elsewhere_query() -> str:
    """A count withheld for disclosure in one row and shown in another (as another indicator's
    numerator or denominator): withheld once, it must be withheld everywhere."""
    return (
        _record_counts_cte()
        + """
        SELECT withheld.*
        FROM record_counts AS withheld
        JOIN record_counts AS shown
            USING (period_year, region_level, region_code, measure, category)
        WHERE withheld.amount IS NULL AND shown.amount IS NOT NULL
          AND withheld.suppression_reason IN ('primary_frequency', 'primary_dominance', 'secondary')
    """
    )


def range_query() -> str:
    """Shares lie within 0-100 % with the part not above the whole; no value is negative."""
    shares = ", ".join(sql_literal(i.code) for i in load_catalog().indicators if i.statistic == "binomial")
    return f"""
        SELECT *
        FROM {{batch}}
        WHERE value < 0
           OR (indicator_code IN ({shares})
               AND (value > 100 OR numerator > denominator))
    """


def suppression_query() -> str:
    """Unpublished rows carry a reason and no value or derived figure; published rows carry no reason."""
    return """
        SELECT *
        FROM {batch}
        WHERE (NOT is_published AND (suppression_reason IS NULL OR value IS NOT NULL OR index_nl IS NOT NULL
                                     OR ratio IS NOT NULL OR percentile_rank IS NOT NULL OR is_signal))
           OR (is_published AND (suppression_reason IS NOT NULL OR value IS NULL))
    """


def index_query(tolerance: float = INDEX_TOLERANCE) -> str:
    return f"""
        SELECT *
        FROM {{batch}}
        WHERE value IS NOT NULL AND national_value > 0
          AND (index_nl IS NULL OR abs(index_nl - 100.0 * value / national_value) > {tolerance!r})
    """


def national_value_query() -> str:
    return """
        SELECT region.*
        FROM {batch} AS region
        JOIN {batch} AS nederland
            ON nederland.period_year = region.period_year
            AND nederland.indicator_code = region.indicator_code
            AND nederland.breakdown_code = region.breakdown_code
            AND nederland.region_level = 'nederland'
        WHERE region.national_value IS DISTINCT FROM nederland.value
    """


def one_nederland_row_query() -> str:
    return """
        SELECT period_year, indicator_code, breakdown_code
        FROM {batch}
        GROUP BY period_year, indicator_code, breakdown_code
        HAVING count(*) FILTER (WHERE region_level = 'nederland') <> 1
    """


def significance_query() -> str:
    """The interval holds the ratio, and the exact significance follows from the interval."""
    return """
        SELECT *
        FROM {batch}
        WHERE (ratio_lower IS NOT NULL
               AND NOT (ratio_lower <= ratio + 1e-9 AND ratio <= ratio_upper + 1e-9))
           OR significance IS DISTINCT FROM CASE
                WHEN ratio_lower IS NULL OR region_level = 'nederland' THEN NULL
                WHEN ratio_lower > 1 THEN 'hoger'
                WHEN ratio_upper < 1 THEN 'lager'
                ELSE 'niet_significant' END
    """


def signal_query() -> str:
    """The signal follows the overdispersion-adjusted significance, which follows the control limits.

    Without significant overdispersion it is the exact significance; with it, a direction only when the
    exact test agrees and the ratio lies outside the widened control limits, never beyond the exact test.
    """
    concerns = _catalog_values([(i.code, i.concern) for i in load_catalog().indicators])
    return f"""
        SELECT batch.*
        FROM {{batch}} AS batch
        JOIN (VALUES {concerns}) AS catalog(indicator_code, concern)
            ON batch.indicator_code = catalog.indicator_code
        WHERE (batch.significance IS NOT NULL
               AND NOT (batch.control_lower < 1 AND 1 < batch.control_upper))
           OR batch.significance_adjusted IS DISTINCT FROM CASE
                WHEN batch.significance IS NULL THEN NULL
                WHEN NOT batch.is_overdispersed THEN batch.significance
                WHEN batch.significance = 'hoger' AND batch.ratio > batch.control_upper THEN 'hoger'
                WHEN batch.significance = 'lager' AND batch.ratio < batch.control_lower THEN 'lager'
                ELSE 'niet_significant' END
           OR batch.is_signal IS DISTINCT FROM coalesce(
                (catalog.concern = 'higher' AND batch.significance_adjusted = 'hoger')
                OR (catalog.concern = 'lower' AND batch.significance_adjusted = 'lager'), false)
    """


def overdispersion_query() -> str:
    """One overdispersion estimate per level, indicator, breakdown and year; none without it."""
    return """
        SELECT period_year, region_level, indicator_code, breakdown_code
        FROM {batch}
        WHERE region_level <> 'nederland'
        GROUP BY period_year, region_level, indicator_code, breakdown_code
        HAVING count(DISTINCT overdispersion_phi) > 1
            OR count(DISTINCT variance_inflation) > 1
            OR count(DISTINCT between_region_variance) > 1
            OR bool_or(is_overdispersed AND (overdispersion_phi IS NULL OR between_region_variance < 0
                                             OR variance_inflation < 1))
            OR bool_or(NOT is_overdispersed AND (between_region_variance <> 0 OR variance_inflation <> 1))
    """


def rest_of_nederland_query() -> str:
    """The comparison with the rest of Nederland: its interval holds its ratio, the verdict follows."""
    return """
        SELECT *
        FROM {batch}
        WHERE (ratio_rest_lower IS NOT NULL
               AND NOT (ratio_rest_lower <= ratio_rest + 1e-9 AND ratio_rest <= ratio_rest_upper + 1e-9))
           OR significance_rest IS DISTINCT FROM CASE
                WHEN ratio_rest_lower IS NULL THEN NULL
                WHEN ratio_rest_lower > 1 THEN 'hoger'
                WHEN ratio_rest_upper < 1 THEN 'lager'
                ELSE 'niet_significant' END
           OR (NOT is_published AND (rest_value IS NOT NULL OR ratio_rest IS NOT NULL))
    """


def build() -> list[Expectation]:
    """The expectations of the ``indicator_values`` suite, in the order Data Docs shows them."""
    ge = gx.expectations
    return [
        ge.ExpectTableRowCountToBeBetween(min_value=1, description="The mart is not empty."),
        ge.ExpectCompoundColumnsToBeUnique(
            column_list=GRAIN, description="One row per year, level, region, indicator and breakdown."
        ),
        *(ge.ExpectColumnValuesToNotBeNull(column=column) for column in [*GRAIN, "is_published"]),
        ge.ExpectColumnValuesToBeInSet(column="region_level", value_set=REGION_LEVELS),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=region_code_by_level_query(),
            description="The region code has the pattern of its level.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=reference_indeling_query(),
            description="Every region is one of the reference indeling, to which every year is converted.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=wijk_query(),
            description="A wijk's and a buurt's wijk is the one its code lies in, with its name.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=catalog_rules_query(),
            description="Every indicator is in the catalog, with its theme, at a level the catalog allows.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=catalog_names_query(),
            description="The theme, indicator and unit shown with every value are the catalog's.",
        ),
        ge.ExpectColumnValuesToBeInSet(column="suppression_reason", value_set=SUPPRESSION_REASONS),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=suppression_query(),
            description="Every unpublished value has a reason; neither it nor its derived figures appear.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=minimum_denominator_query(),
            description="No value is published over a denominator below the catalog's minimum.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=minimum_frequency_query(),
            description="Every count shown from Zicht's own records meets its class's minimum frequency.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=dominance_query(),
            description=(
                "Every magnitude shown from Zicht's own records has enough contributors and is not "
                "dominated by its largest ones."
            ),
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=totals_query(),
            description=(
                "A count from Zicht's own records shown for a region and all regions under it is the "
                "sum of theirs (within the rounding of wijk and buurt counts)."
            ),
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=withheld_elsewhere_query(),
            description="A count withheld for disclosure in one row is shown in no other row.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=range_query(),
            description="Values are not negative; shares lie within 0-100 % and their part within the whole.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=index_query(),
            description="index_nl = value / national_value x 100.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=national_value_query(),
            description="national_value is the value of that year's Nederland row.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=one_nederland_row_query(),
            description="Exactly one Nederland row per indicator, breakdown and year.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=significance_query(),
            description="The interval holds the ratio; the exact significance follows from it.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=signal_query(),
            description="The control limits hold 1; the adjusted significance and signal follow from them.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=overdispersion_query(),
            description="One overdispersion estimate per level, indicator, breakdown and year.",
        ),
        ge.UnexpectedRowsExpectation(
            unexpected_rows_query=rest_of_nederland_query(),
            description="The comparison with the rest of Nederland: interval, verdict, nothing unpublished.",
        ),
        ge.ExpectColumnValuesToBeBetween(column="percentile_rank", min_value=0, max_value=1),
    ]
