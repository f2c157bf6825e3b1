-- The lines of the theme dashboards' funnel plot: per indicator, level, breakdown and year, the control
-- limits of the standardised ratio at 95 % and 99.8 % (Spiegelhalter's two and three standard errors)
-- over a grid of expected counts spanning the assessed regions, widened where those regions are
-- overdispersed exactly as indicator_values widens each region's own limits. Only the national rate,
-- the between-region variance and the range of the published expected counts enter: no region's count.
{%- set grid_points = var('funnel_grid_points') %}

with assessed as (
    select * from {{ ref('indicator_values') }}
    where significance is not null
),

catalog as (
    select indicator_code, statistic, scale from {{ ref('indicators') }}
),

groups as (
    select
        assessed.period_year,
        assessed.region_level,
        assessed.indicator_code,
        assessed.breakdown_code,
        any_value(assessed.theme_code) as theme_code,
        any_value(catalog.statistic) as statistic,
        any_value(assessed.national_value) / any_value(catalog.scale) as national_rate,
        bool_or(assessed.is_overdispersed) as is_overdispersed,
        {{ overdispersion_inflation('max(assessed.overdispersion_phi)', 'bool_or(assessed.is_overdispersed)') }}
            as variance_inflation,
        max(assessed.between_region_variance) as between_region_variance,
        min(assessed.expected) as expected_min,
        max(assessed.expected) as expected_max
    from assessed
    inner join catalog
        on assessed.indicator_code = catalog.indicator_code
    group by assessed.period_year, assessed.region_level, assessed.indicator_code, assessed.breakdown_code
),

-- Evenly spaced on a log scale, so that the steep narrow end of the funnel gets as many points as its
-- flat wide end.
grid as (
    select
        groups.*,
        point.grid_point,
        groups.expected_min * power(
            groups.expected_max / groups.expected_min, point.grid_point / {{ grid_points - 1 }}
        ) as grid_expected
    from groups
    cross join (select unnest(range({{ grid_points }})) as grid_point) as point
    where groups.expected_min > 0 and groups.national_rate > 0
),

-- A binomial funnel is a function of a whole number n of trials: round the grid to it.
sized as (
    select
        *,
        case statistic
            when 'binomial' then round(grid_expected / national_rate)
            else grid_expected / national_rate
        end as grid_denominator
    from grid
),

points as (
    select
        *,
        case statistic
            when 'binomial' then grid_denominator * national_rate
            else grid_expected
        end as expected,
        case statistic when 'binomial' then 4 * grid_denominator else 4 * grid_expected end as null_weight
    from sized
)

select
    cast(period_year as integer) as period_year,
    region_level,
    theme_code,
    indicator_code,
    breakdown_code,
    cast(grid_point as integer) as grid_point,
    cast(expected as double) as expected,
    cast(grid_denominator as double) as denominator,
    is_overdispersed,
    cast(variance_inflation as double) as variance_inflation,
    cast(between_region_variance as double) as between_region_variance,
    cast({{ control_limit('lower', 'statistic', 'expected', 'grid_denominator', 'national_rate', 0.05,
        'null_weight', 'variance_inflation', 'between_region_variance') }} as double) as lower_95,
    cast({{ control_limit('upper', 'statistic', 'expected', 'grid_denominator', 'national_rate', 0.05,
        'null_weight', 'variance_inflation', 'between_region_variance') }} as double) as upper_95,
    cast({{ control_limit('lower', 'statistic', 'expected', 'grid_denominator', 'national_rate', 0.002,
        'null_weight', 'variance_inflation', 'between_region_variance') }} as double) as lower_998,
    cast({{ control_limit('upper', 'statistic', 'expected', 'grid_denominator', 'national_rate', 0.002,
        'null_weight', 'variance_inflation', 'between_region_variance') }} as double) as upper_998
from points
