-- Measures from Kerncijfers wijken en buurten at every level CBS publishes (Nederland, gemeente, wijk,
-- buurt), in each year's own indeling. Percentages of the dwelling stock become counts of dwellings.
{%- set measures = {
    'inwoners': 'inhabitants',
    'land_km2': 'land_area_ha / 100.0',
} %}

with kerncijfers as (
    select * from {{ ref('stg_cbs__kerncijfers_wijken_buurten') }}
)

{% for measure, expression in measures.items() %}
select
    period_year,
    region_type as region_level,
    region_code,
    '{{ measure }}' as measure,
    'totaal' as category,
    cast({{ expression }} as double) as amount
from kerncijfers
where {{ expression }} is not null
{% if not loop.last %}union all{% endif %}
{% endfor %}
