-- Every indicator for every region, level, breakdown and year in the reference indeling, against
-- Nederland: the value, the national value, the index (Nederland = 100), the standardised ratio with its
-- exact interval and significance, the overdispersion of the regions of that level (Spiegelhalter 2005)
-- and the signal that allows for it, the comparison with the rest of Nederland, the percentile rank
-- among regions of the same level, and the change against the previous year. Values over a denominator below the catalog's minimum are not published,
-- nor counts from Zicht's own records that disclosure control suppressed (int_disclosure_cells), as
-- numerator or as denominator, nor any figure derived from them.
{%- set alpha = var('significance_level') %}
{%- set winsorisation = var('overdispersion_winsorisation') %}
{%- set min_regions = var('overdispersion_min_regions') %}

with inputs as (
    select
        inputs.*,
        -- A count suppressed anywhere is suppressed everywhere: as numerator or as denominator.
        case
            when numerator_cells.status in ('primary', 'secondary') then numerator_cells.status
            when denominator_cells.status in ('primary', 'secondary') then denominator_cells.status
        end as disclosure_status,
        case
            when numerator_cells.status in ('primary', 'secondary') then numerator_cells.reason
            when denominator_cells.status in ('primary', 'secondary') then denominator_cells.reason
        end as disclosure_reason,
        coalesce(numerator_cells.status in ('primary', 'secondary'), false) as is_numerator_suppressed,
        coalesce(denominator_cells.status in ('primary', 'secondary'), false) as is_denominator_suppressed
    from {{ ref('int_indicator_inputs') }} as inputs
    {%- for role in ['numerator', 'denominator'] %}
    left join {{ ref('int_disclosure_cells') }} as {{ role }}_cells
        on inputs.{{ role }}_from_records
        and {{ role }}_cells.measure = inputs.{{ role }}_measure
        and {{ role }}_cells.category = inputs.{{ role }}_key
        and {{ role }}_cells.period_year = inputs.period_year
        and {{ role }}_cells.region_level = inputs.region_level
        and {{ role }}_cells.region_code = inputs.region_code
    {%- endfor %}
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
        numerator as national_numerator,
        denominator as national_denominator,
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
        national.national_numerator,
        national.national_denominator,
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

published as (
    select
        *,
        denominator_sufficient and value_unchecked is not null and coalesce(national_published, false)
            and not coalesce(disclosure_status in ('primary', 'secondary'), false) as is_published,
        case
            when value_unchecked is null then 'no_value'
            when disclosure_status in ('primary', 'secondary') then disclosure_reason
            when not coalesce(national_published, false) then 'national_suppressed'
            when not denominator_sufficient then 'small_denominator'
        end as suppression_reason
    from compared
),

intervals as (
    select
        *,
        case statistic
            when 'poisson' then numerator / nullif(expected, 0)
            when 'binomial' then rate / nullif(national_rate, 0)
            when 'mean' then value_unchecked / nullif(national_value, 0)
        end as ratio_unchecked,
        -- The exact limits are the dear part: only for what is published.
        case when is_published then case statistic
            when 'poisson' then poisson_lower(observed_low, {{ alpha }}) / nullif(expected, 0)
            when 'binomial'
                then binomial_lower(observed_low, round(denominator), {{ alpha }}) / nullif(national_rate, 0)
        end end as ratio_lower_unchecked,
        case when is_published then case statistic
            when 'poisson' then poisson_upper(observed_high, {{ alpha }}) / nullif(expected, 0)
            when 'binomial' then binomial_upper(
                least(observed_high, round(denominator)), round(denominator), {{ alpha }}
            ) / nullif(national_rate, 0)
        end end as ratio_upper_unchecked
    from published
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
    from intervals
),

-- Overdispersion (Spiegelhalter 2005, "Handling over-dispersion of performance indicators"): each
-- assessed region's z-score under the national rate on a variance-stabilising scale, where the null
-- variance of the transformed value is 1/(4E) (square root of the ratio) or 1/(4n) (arcsine of the
-- square root of the share), whatever the national rate; its inverse is the region's weight.
-- Materialised: three CTEs read it, and the exact limits above are computed once, not per reader.
scored as materialized (
    select
        *,
        case when significance is not null then
            case statistic
                when 'poisson' then 2 * (sqrt(numerator) - sqrt(expected))
                when 'binomial' then 2 * sqrt(denominator) * (asin(sqrt(least(rate, 1))) - asin(sqrt(national_rate)))
            end
        end as z_score,
        case statistic
            when 'poisson' then nullif(4 * expected, 0)
            when 'binomial' then nullif(4 * denominator, 0)
        end as null_weight
    from assessed
),

-- Winsorised so that a few outlying regions (the very ones a user wants to see) do not inflate the
-- estimate: z-scores beyond the outer quantiles are set to those quantiles.
winsorisation_bounds as (
    select
        period_year,
        region_level,
        indicator_code,
        breakdown_code,
        quantile_cont(z_score, {{ winsorisation }}) as z_bottom,
        quantile_cont(z_score, {{ 1 - winsorisation }}) as z_top
    from scored
    where z_score is not null
    group by period_year, region_level, indicator_code, breakdown_code
),

dispersion as (
    select
        scored.period_year,
        scored.region_level,
        scored.indicator_code,
        scored.breakdown_code,
        count(*) as regions_assessed,
        avg(power(least(greatest(scored.z_score, bounds.z_bottom), bounds.z_top), 2)) as phi,
        sum(scored.null_weight) as weight_sum,
        sum(power(scored.null_weight, 2)) as weight_square_sum
    from scored
    inner join winsorisation_bounds as bounds
        on scored.period_year = bounds.period_year
        and scored.region_level = bounds.region_level
        and scored.indicator_code = bounds.indicator_code
        and scored.breakdown_code = bounds.breakdown_code
    where scored.z_score is not null
    group by scored.period_year, scored.region_level, scored.indicator_code, scored.breakdown_code
),

-- Under no overdispersion, regions x phi is about chi-squared with regions - 1 degrees of freedom (the
-- national rate is estimated from the same regions). Only when that test rejects at the significance
-- level are the limits widened. Fewer regions than the minimum: no test. var('overdispersion_model'):
-- multiplicative (default) inflates every region's null variance by phi; additive adds a between-region
-- variance tau2 (DerSimonian-Laird on the winsorised z-scores, Spiegelhalter's formula). docs/indicators.md
-- gives the measured reason for the default.
dispersion_tested as (
    select
        *,
        regions_assessed >= {{ min_regions }}
            and regions_assessed * phi > chi_squared_quantile(1 - {{ alpha }}, regions_assessed - 1)
            as is_overdispersed
    from dispersion
),

dispersion_estimated as (
    select
        *,
        {{ overdispersion_inflation('phi', 'is_overdispersed') }} as variance_inflation,
        case when is_overdispersed and '{{ var("overdispersion_model") }}' = 'additive'
            then greatest(
                (regions_assessed * phi - (regions_assessed - 1))
                / nullif(weight_sum - weight_square_sum / weight_sum, 0),
                0
            )
            else 0
        end as between_region_variance
    from dispersion_tested
),

controlled as (
    select
        scored.*,
        case when scored.region_level <> 'nederland' and dispersion.regions_assessed >= {{ min_regions }}
            then dispersion.phi end as overdispersion_phi,
        coalesce(dispersion.is_overdispersed, false) as is_overdispersed,
        coalesce(dispersion.variance_inflation, 1) as variance_inflation,
        coalesce(dispersion.between_region_variance, 0) as between_region_variance,
        scored.z_score / sqrt(
            coalesce(dispersion.variance_inflation, 1)
            + coalesce(dispersion.between_region_variance, 0) * scored.null_weight
        ) as z_score_adjusted
    from scored
    left join dispersion_estimated as dispersion
        on scored.period_year = dispersion.period_year
        and scored.region_level = dispersion.region_level
        and scored.indicator_code = dispersion.indicator_code
        and scored.breakdown_code = dispersion.breakdown_code
),

-- The control limits of the funnel at the region's size: the exact ones, widened where the regions are
-- overdispersed (never narrower than exact, so that a signal is always significant by the exact test).
limited as (
    select
        *,
        case when significance is not null then {{ control_limit(
            'lower', 'statistic', 'expected', 'denominator', 'national_rate', alpha, 'null_weight',
            'variance_inflation', 'between_region_variance') }} end as control_lower,
        case when significance is not null then {{ control_limit(
            'upper', 'statistic', 'expected', 'denominator', 'national_rate', alpha, 'null_weight',
            'variance_inflation', 'between_region_variance') }} end as control_upper
    from controlled
),

-- The flag that drives the signal: the exact significance, and where the regions are overdispersed
-- only if the ratio also lies outside the widened control limits.
flagged as (
    select
        *,
        case
            when significance is null then null
            when not is_overdispersed then significance
            when significance = 'hoger' and ratio_unchecked > control_upper then 'hoger'
            when significance = 'lager' and ratio_unchecked < control_lower then 'lager'
            else 'niet_significant'
        end as significance_adjusted
    from limited
),

-- The rest of Nederland: Nederland without the region. The national value includes the region, which
-- pulls it towards the region; for a big region (Amsterdam, a province) the rest is the fairer reference.
-- poisson: the exact conditional test of two rates (given both counts' sum, the region's count is
-- binomial with share D r / (D r + D_rest) at rate ratio r), so the rest's own chance variation counts;
-- binomial: the exact interval of the share against the rest's share; mean: the ratio only.
rest as (
    select
        *,
        national_numerator - numerator as rest_numerator,
        national_denominator - denominator as rest_denominator,
        (national_numerator - numerator) / nullif(national_denominator - denominator, 0) as rest_rate
    from flagged
),

-- The exact limits of the region's share: of the region and the rest's counts together (poisson), or of
-- its own denominator (binomial); computed once per row, as the functions are not cheap.
rest_limits as (
    select
        *,
        case
            when not is_published or region_level = 'nederland' or rest_denominator <= 0 or rest_numerator < 0
                then null
            when statistic = 'poisson'
                then binomial_lower(observed_low, observed_low + round(rest_numerator), {{ alpha }})
            when statistic = 'binomial' then binomial_lower(observed_low, round(denominator), {{ alpha }})
        end as share_lower,
        case
            when not is_published or region_level = 'nederland' or rest_denominator <= 0 or rest_numerator < 0
                then null
            when statistic = 'poisson'
                then binomial_upper(observed_high, observed_high + round(rest_numerator), {{ alpha }})
            when statistic = 'binomial' then binomial_upper(
                least(observed_high, round(denominator)), round(denominator), {{ alpha }}
            )
        end as share_upper
    from rest
),

rest_compared as (
    select
        *,
        case when region_level <> 'nederland' then rest_rate * scale end as rest_value_unchecked,
        case when region_level <> 'nederland' then rate / nullif(rest_rate, 0) end as ratio_rest_unchecked,
        case statistic
            when 'poisson' then share_lower / nullif(1 - share_lower, 0) * rest_denominator / nullif(denominator, 0)
            when 'binomial' then share_lower / nullif(rest_rate, 0)
        end as ratio_rest_lower_unchecked,
        case statistic
            when 'poisson' then share_upper / nullif(1 - share_upper, 0) * rest_denominator / nullif(denominator, 0)
            when 'binomial' then share_upper / nullif(rest_rate, 0)
        end as ratio_rest_upper_unchecked
    from rest_limits
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
    from rest_compared
)

select
    cast(ranked.period_year as integer) as period_year,
    ranked.region_level,
    ranked.region_code,
    regions.region_name,
    regions.gemeente_code,
    regions.gemeente_name,
    -- The wijk of a wijk (itself) or a buurt, for the dashboards' gemeente -> wijk filter.
    case when ranked.region_level = 'wijk' then ranked.region_code else regions.wijk_code end as wijk_code,
    wijken.region_name as wijk_name,
    -- Wijk names repeat across gemeenten (and even within one), so the wijk filter lists this label.
    regions.gemeente_name || ': ' || wijken.region_name || ' (' || wijken.region_code || ')' as wijk_label,
    regions.province_code,
    regions.province_name,
    regions.riec_code,
    regions.riec_name,
    ranked.theme_code,
    catalog.theme_name_nl as theme_name,
    ranked.indicator_code,
    catalog.name_nl as indicator_name,
    catalog.unit,
    ranked.breakdown_code,
    ranked.breakdown_name,
    cast(case when not ranked.is_numerator_suppressed then ranked.numerator end as double) as numerator,
    cast(case when not ranked.is_denominator_suppressed then ranked.denominator end as double) as denominator,
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
    cast(ranked.z_score as double) as z_score,
    cast(ranked.overdispersion_phi as double) as overdispersion_phi,
    ranked.is_overdispersed,
    cast(ranked.variance_inflation as double) as variance_inflation,
    cast(ranked.between_region_variance as double) as between_region_variance,
    cast(ranked.z_score_adjusted as double) as z_score_adjusted,
    cast(ranked.control_lower as double) as control_lower,
    cast(ranked.control_upper as double) as control_upper,
    ranked.significance_adjusted,
    coalesce(
        (ranked.concern = 'higher' and ranked.significance_adjusted = 'hoger')
        or (ranked.concern = 'lower' and ranked.significance_adjusted = 'lager'),
        false
    ) as is_signal,
    cast(case when ranked.is_published then ranked.rest_value_unchecked end as double) as rest_value,
    cast(case when ranked.is_published then ranked.ratio_rest_unchecked end as double) as ratio_rest,
    cast(case when ranked.is_published then ranked.ratio_rest_lower_unchecked end as double) as ratio_rest_lower,
    cast(case when ranked.is_published then ranked.ratio_rest_upper_unchecked end as double) as ratio_rest_upper,
    case
        when not ranked.is_published or ranked.ratio_rest_lower_unchecked is null then null
        when ranked.ratio_rest_lower_unchecked > 1 then 'hoger'
        when ranked.ratio_rest_upper_unchecked < 1 then 'lager'
        else 'niet_significant'
    end as significance_rest,
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
left join regions as wijken
    on wijken.region_level = 'wijk'
    and wijken.region_code = case
        when ranked.region_level = 'wijk' then ranked.region_code
        when ranked.region_level = 'buurt' then regions.wijk_code
    end
-- The names travel with every value so that dashboards read one table and join nothing.
left join {{ ref('int_indicator_catalog') }} as catalog
    on ranked.indicator_code = catalog.indicator_code
