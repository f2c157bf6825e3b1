-- The overview's signal map: per region, year and theme, how many indicators lie significantly above
-- (or, where lower is the concern, below) the national value, out of how many could be assessed.
with values as (
    select * from {{ ref('indicator_values') }}
    where breakdown_code = 'totaal' and region_level <> 'nederland'
),

catalog as (
    select indicator_code, concern from {{ ref('int_indicator_catalog') }}
)

select
    values.period_year,
    values.region_level,
    values.region_code,
    any_value(values.region_name) as region_name,
    any_value(values.gemeente_code) as gemeente_code,
    any_value(values.gemeente_name) as gemeente_name,
    any_value(values.wijk_code) as wijk_code,
    any_value(values.wijk_name) as wijk_name,
    any_value(values.wijk_label) as wijk_label,
    any_value(values.province_code) as province_code,
    any_value(values.province_name) as province_name,
    any_value(values.riec_code) as riec_code,
    any_value(values.riec_name) as riec_name,
    values.theme_code,
    any_value(values.theme_name) as theme_name,
    cast(count(*) filter (where values.significance is not null and catalog.concern <> 'none') as integer)
        as indicators_assessed,
    cast(count(*) filter (where values.is_signal) as integer) as signals,
    coalesce(
        string_agg(values.indicator_code, ', ' order by values.indicator_code) filter (where values.is_signal),
        ''
    ) as signal_indicators
from values
inner join catalog
    on values.indicator_code = catalog.indicator_code
group by values.period_year, values.region_level, values.region_code, values.theme_code
