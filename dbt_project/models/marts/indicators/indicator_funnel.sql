-- The funnel plot as the dashboards draw it, in one table: every assessed region as a point (its ratio
-- against its expected count) and the control limits of indicator_funnel_limits as lines, so that one
-- chart draws both (one query each) and the dashboards' indicator, year, level and breakdown filters
-- reach both by column name. Nothing here is new: the points are rows of indicator_values, the lines
-- rows of indicator_funnel_limits.
--
-- Row-level security in Superset (and the published file of each region scope) keeps a RIEC or
-- provincial analyst's wijk and buurt rows to their own region, by province_code and riec_code. The
-- lines hold no region's figure, so each wijk and buurt line is repeated for every (province, RIEC
-- region) pair of the gemeenten: every analyst keeps every line, and the chart's MIN and MAX of the
-- limits are unchanged by the copies. Lines of gemeenten and up reach every analyst as they are: once,
-- without a province or RIEC region.
with assessed as (
    select * from {{ ref('indicator_values') }}
    where significance is not null
),

names as (
    -- From the Nederland rows: every line has them (its limits come from the national rate).
    select distinct indicator_code, indicator_name, breakdown_code, breakdown_name
    from {{ ref('indicator_values') }}
    where region_level = 'nederland'
),

areas as (
    select distinct province_code, riec_code
    from {{ ref('indicator_values') }}
    where region_level = 'gemeente'
)

select
    'regio' as series_kind,
    period_year,
    region_level,
    region_code,
    region_name,
    province_code,
    riec_code,
    theme_code,
    indicator_code,
    indicator_name,
    breakdown_code,
    breakdown_name,
    expected,
    ratio,
    significance_adjusted,
    cast(null as integer) as grid_point,
    cast(null as double) as lower_95,
    cast(null as double) as upper_95,
    cast(null as double) as lower_998,
    cast(null as double) as upper_998
from assessed
union all
select
    'grens' as series_kind,
    limits.period_year,
    limits.region_level,
    cast(null as varchar) as region_code,
    cast(null as varchar) as region_name,
    areas.province_code,
    areas.riec_code,
    limits.theme_code,
    limits.indicator_code,
    names.indicator_name,
    limits.breakdown_code,
    names.breakdown_name,
    limits.expected,
    cast(null as double) as ratio,
    cast(null as varchar) as significance_adjusted,
    limits.grid_point,
    limits.lower_95,
    limits.upper_95,
    limits.lower_998,
    limits.upper_998
from {{ ref('indicator_funnel_limits') }} as limits
inner join names
    on limits.indicator_code = names.indicator_code
    and limits.breakdown_code = names.breakdown_code
left join areas
    on limits.region_level in ('wijk', 'buurt')
