-- Every region of every year with the regions it lies in: gemeente, province and RIEC region.
-- Wijk and buurt codes carry their gemeente's four digits (WK0363.., BU0363..), also the alphanumeric
-- buurt codes since 2023, so the gemeente follows from the code.
with kerncijfers as (
    select * from {{ ref('stg_cbs__kerncijfers_wijken_buurten') }}
),

gebieden as (
    select * from {{ ref('stg_cbs__gebieden_in_nederland') }}
),

riec as (
    select * from {{ ref('riec_regions') }}
),

regions as (
    select
        period_year,
        region_type as region_level,
        region_code,
        region_name,
        case when region_type in ('gemeente', 'wijk', 'buurt')
            then 'GM' || substr(region_code, 3, 4) end as gemeente_code
    from kerncijfers
)

select
    regions.period_year,
    regions.region_level,
    regions.region_code,
    regions.region_name,
    regions.gemeente_code,
    gebieden.province_code,
    gebieden.province_name,
    riec.riec_code,
    riec.riec_name
from regions
left join gebieden
    on regions.period_year = gebieden.period_year
    and regions.gemeente_code = gebieden.gemeente_code
left join riec
    on gebieden.police_unit_code = riec.police_unit_code
