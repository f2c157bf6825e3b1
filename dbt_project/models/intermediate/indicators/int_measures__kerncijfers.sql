-- Measures from Kerncijfers wijken en buurten at every level CBS publishes (Nederland, gemeente, wijk,
-- buurt), in each year's own indeling. Percentages of the dwelling stock become counts of dwellings.
{%- set measures = {
    'inwoners': 'inhabitants',
    'inwoners_15_24': 'inhabitants_15_24',
    'huishoudens': 'households',
    'eenpersoonshuishoudens': 'single_person_households',
    'land_km2': 'land_area_ha / 100.0',
    'woningen': 'dwellings',
    'woz_som': 'average_woz_keur * dwellings',
    'woningen_koop': 'round(owner_occupied_pct * dwellings / 100.0)',
    'woningen_corporatie': 'round(corporation_pct * dwellings / 100.0)',
    'woningen_overige_verhuur': 'round(other_landlord_pct * dwellings / 100.0)',
    'woningen_eigendom_onbekend': 'round(unknown_owner_pct * dwellings / 100.0)',
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
