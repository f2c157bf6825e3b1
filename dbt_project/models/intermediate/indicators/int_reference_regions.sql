-- The regions of the reference indeling (the newest year) with every region they lie in: the frame in
-- which all years are compared.
with regions as (
    select * from {{ ref('int_regions_per_year') }}
    where period_year = (select max(period_year) from {{ ref('int_regions_per_year') }})
),

gemeenten as (
    select * from regions where region_level = 'gemeente'
)

select
    regions.period_year as reference_year,
    regions.region_level,
    regions.region_code,
    regions.region_name,
    case when regions.region_level = 'buurt'
        then 'WK' || substr(regions.region_code, 3, 6) end as wijk_code,
    regions.gemeente_code,
    gemeenten.region_name as gemeente_name,
    regions.province_code,
    regions.province_name,
    regions.riec_code,
    regions.riec_name
from regions
left join gemeenten
    on regions.gemeente_code = gemeenten.region_code
union all
select distinct
    reference_year, 'provincie', province_code, province_name,
    null, null, null, province_code, province_name, null, null
from (select period_year as reference_year, * from gemeenten)
union all
select distinct
    reference_year, 'riec', riec_code, riec_name,
    null, null, null, null, null, riec_code, riec_name
from (select period_year as reference_year, * from gemeenten)
