-- Numerator and denominator of every indicator, breakdown, region and year, at the levels the catalog
-- allows. An indicator with breakdown `kwetsbare_branches` is repeated for every branch of that list
-- (its headline row has breakdown_code 'totaal'); a denominator counted in the same category as the
-- headline numerator follows the branch. Counts from Zicht's own records are rounded on the levels
-- disclosure control rounds (records_rounded_levels, to records_rounding_base); the numerator's
-- rounding is kept in numerator_rounded_to, so that its interval spans every count rounding to it.
with catalog as (
    select * from {{ ref('int_indicator_catalog') }}
),

branches as (
    select sbi_code as branch_code, omschrijving as branch_name from {{ ref('kwetsbare_branches') }}
),

breakdowns as (
    select
        catalog.*,
        'totaal' as breakdown_code,
        'Totaal' as breakdown_name,
        numerator_category as numerator_key,
        denominator_category as denominator_key
    from catalog
    union all
    select
        catalog.*,
        branches.branch_code,
        branches.branch_name,
        branches.branch_code,
        case when catalog.denominator_category = catalog.numerator_category
            then branches.branch_code else catalog.denominator_category end
    from catalog
    inner join branches on catalog.breakdown = 'kwetsbare_branches'
),

measures as (
    select * from {{ ref('int_measures_harmonised') }}
),

-- A record source counts zero where it has no record, but only for years it delivered at all; an
-- indicator whose numerator was not delivered in a year has no rows that year.
delivered as (
    select distinct measure, period_year from measures
)

select
    denominators.period_year,
    denominators.region_level,
    denominators.region_code,
    breakdowns.indicator_code,
    breakdowns.theme_code,
    breakdowns.breakdown_code,
    breakdowns.breakdown_name,
    breakdowns.statistic,
    breakdowns.concern,
    breakdowns.scale,
    breakdowns.min_denominator,
    breakdowns.disclosure_class,
    case when {{ records_rounded('breakdowns.numerator_from_records') }}
        then breakdowns.records_rounding_base else breakdowns.numerator_rounded_to end as numerator_rounded_to,
    breakdowns.numerator_from_records,
    breakdowns.numerator_measure,
    breakdowns.numerator_key,
    breakdowns.denominator_from_records,
    breakdowns.denominator_measure,
    breakdowns.denominator_key,
    {{ round_records(
        "coalesce(numerators.amount, case when breakdowns.numerator_from_records"
        ~ " and delivered.measure is not null then 0.0 end)",
        'breakdowns.numerator_from_records') }} as numerator,
    {{ round_records('denominators.amount', 'breakdowns.denominator_from_records') }} as denominator
from breakdowns
inner join measures as denominators
    on denominators.measure = breakdowns.denominator_measure
    and denominators.category = breakdowns.denominator_key
left join measures as numerators
    on numerators.measure = breakdowns.numerator_measure
    and numerators.category = breakdowns.numerator_key
    and numerators.period_year = denominators.period_year
    and numerators.region_level = denominators.region_level
    and numerators.region_code = denominators.region_code
left join delivered
    on delivered.measure = breakdowns.numerator_measure
    and delivered.period_year = denominators.period_year
where list_contains(string_split(breakdowns.levels, ','), denominators.region_level)
    and (breakdowns.breakdown_code = 'totaal'
        or list_contains(string_split(breakdowns.breakdown_levels, ','), denominators.region_level))
    and delivered.measure is not null
