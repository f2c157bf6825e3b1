-- Every indicator for every region, level, breakdown and year in the reference indeling, against
-- Nederland: the value, the national value, the index (Nederland = 100), the standardised ratio with its
-- exact interval and significance, the percentile rank among regions of the same level, and the change
-- against the previous year. Values over a denominator below the catalog's minimum are not published,
-- nor counts from Zicht's own records that disclosure control suppressed (int_disclosure_cells), nor
-- any figure derived from them.
{%- set alpha = var('significance_level') %}

with inputs as (
    select
        inputs.*,
        cells.status as disclosure_status,
        cells.reason as disclosure_reason
    from {{ ref('int_indicator_inputs') }} as inputs
    left join {{ ref('int_disclosure_cells') }} as cells
        on inputs.numerator_from_records
        and cells.measure = inputs.numerator_measure
        and cells.category = inputs.numerator_key
        and cells.period_year = inputs.period_year
        and cells.region_level = inputs.region_level
        and cells.region_code = inputs.region_code
),

regions as (
    select * from {{ ref('int_reference_regions') }}
),

valued as (
    select
        *,
        numerator / nullif(denominator, 0) as rate,
        numerator / nullif(denominator, 0) * scale as value_unchecked,
        coalesce(denominator >= min_denominator, false) as denominator_sufficient
    from inputs
),

national as (
    select
        period_year,
        indicator_code,
        breakdown_code,
        rate as national_rate,
        value_unchecked as national_value,
        -- Nederland's own count suppressed: nothing may be compared with it, or it could be recomputed.
        not coalesce(disclosure_status in ('primary', 'secondary'), false) as national_published
    from valued
    where region_level = 'nederland'
),

compared as (
    select
        valued.*,
        national.national_rate,
        national.national_value,
        national.national_published,
        case when valued.statistic in ('poisson', 'binomial')
            then valued.denominator * national.national_rate end as expected,
        -- A rounded count (suspects: to 10) stands for every count that rounds to it: the interval
        -- runs from the lower limit of the smallest such count to the upper limit of the largest.
        greatest(round(valued.numerator) - floor(valued.numerator_rounded_to / 2), 0) as observed_low,
        round(valued.numerator) + ceil(valued.numerator_rounded_to / 2) - 1 as observed_high
    from valued
    left join national
        on valued.period_year = national.period_year
        and valued.indicator_code = national.indicator_code
        and valued.breakdown_code = national.breakdown_code
),

intervals as (
    select
        *,
        case statistic
            when 'poisson' then numerator / nullif(expected, 0)
            when 'binomial' then rate / nullif(national_rate, 0)
            when 'mean' then value_unchecked / nullif(national_value, 0)
        end as ratio_unchecked,
        case statistic
            when 'poisson' then poisson_lower(observed_low, {{ alpha }}) / nullif(expected, 0)
            when 'binomial'
                then binomial_lower(observed_low, round(denominator), {{ alpha }}) / nullif(national_rate, 0)
        end as ratio_lower_unchecked,
        case statistic
            when 'poisson' then poisson_upper(observed_high, {{ alpha }}) / nullif(expected, 0)
            when 'binomial' then binomial_upper(
                least(observed_high, round(denominator)), round(denominator), {{ alpha }}
            ) / nullif(national_rate, 0)
        end as ratio_upper_unchecked
    from compared
),

published as (
    select
        *,
        coalesce(disclosure_status in ('primary', 'secondary'), false) as is_disclosure_suppressed,
        denominator_sufficient and value_unchecked is not null and coalesce(national_published, false)
            and not coalesce(disclosure_status in ('primary', 'secondary'), false) as is_published,
        case
            when value_unchecked is null then 'no_value'
            when disclosure_status in ('primary', 'secondary') then disclosure_reason
            when not coalesce(national_published, false) then 'national_suppressed'
            when not denominator_sufficient then 'small_denominator'
        end as suppression_reason
    from intervals
),

assessed as (
    select
        *,
        case
            when not is_published or region_level = 'nederland' or ratio_lower_unchecked is null then null
            when ratio_lower_unchecked > 1 then 'hoger'
            when ratio_upper_unchecked < 1 then 'lager'
            else 'niet_significant'
        end as significance
    from published
),

ranked as (
    select
        *,
        case when is_published then
            percent_rank() over (
                partition by period_year, region_level, indicator_code, breakdown_code, is_published
                order by value_unchecked
            )
        end as percentile_rank,
        lag(case when is_published then value_unchecked end) over (
            partition by region_level, region_code, indicator_code, breakdown_code
            order by period_year
        ) as previous_value_unchecked,
        lag(period_year) over (
            partition by region_level, region_code, indicator_code, breakdown_code
            order by period_year
        ) as previous_year
    from assessed
)

select
    cast(ranked.period_year as integer) as period_year,
    ranked.region_level,
    ranked.region_code,
    regions.region_name,
    regions.gemeente_code,
    regions.gemeente_name,
    regions.province_code,
    regions.riec_code,
    ranked.theme_code,
    ranked.indicator_code,
    ranked.breakdown_code,
    ranked.breakdown_name,
    cast(case when not ranked.is_disclosure_suppressed then ranked.numerator end as double) as numerator,
    cast(ranked.denominator as double) as denominator,
    cast(case when ranked.is_published then ranked.value_unchecked end as double) as value,
    cast(case when ranked.national_published then ranked.national_value end as double) as national_value,
    cast(case when ranked.is_published
        then {{ index_against('ranked.value_unchecked', 'ranked.national_value') }} end as double) as index_nl,
    cast(case when ranked.is_published then ranked.expected end as double) as expected,
    cast(case when ranked.is_published then ranked.ratio_unchecked end as double) as ratio,
    cast(case when ranked.is_published then ranked.ratio_lower_unchecked end as double) as ratio_lower,
    cast(case when ranked.is_published then ranked.ratio_upper_unchecked end as double) as ratio_upper,
    cast({{ alpha }} as double) as significance_level,
    ranked.significance,
    coalesce(
        (ranked.concern = 'higher' and ranked.significance = 'hoger')
        or (ranked.concern = 'lower' and ranked.significance = 'lager'),
        false
    ) as is_signal,
    cast(ranked.percentile_rank as double) as percentile_rank,
    cast(case when ranked.previous_year = ranked.period_year - 1
        then ranked.previous_value_unchecked end as double) as previous_value,
    cast(case when ranked.is_published and ranked.previous_year = ranked.period_year - 1
        then ranked.value_unchecked - ranked.previous_value_unchecked end as double) as change_previous_year,
    ranked.is_published,
    ranked.suppression_reason
from ranked
left join regions
    on ranked.region_level = regions.region_level
    and ranked.region_code = regions.region_code
