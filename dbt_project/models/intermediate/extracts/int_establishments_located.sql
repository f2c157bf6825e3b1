-- Each KvK establishment placed in the region hierarchy of the reference year (the newest year of
-- Kerncijfers): buurt -> wijk -> gemeente -> province and RIEC region. The extract loader already
-- refused codes unknown in that year, so every establishment finds its gemeente.
with establishments as (
    select * from {{ ref('stg_kvk__vestigingen') }}
),

regions as (
    select * from {{ ref('int_regions_per_year') }}
    where period_year = (select max(period_year) from {{ ref('int_regions_per_year') }})
)

select
    establishments.establishment_key,
    establishments.legal_form,
    establishments.sbi_section,
    establishments.sbi_division,
    establishments.sbi_group,
    establishments.sbi_code,
    regions.period_year as region_year,
    establishments.buurt_code,
    establishments.wijk_code,
    establishments.gemeente_code,
    regions.province_code,
    regions.riec_code,
    establishments.registered_on,
    establishments.started_on,
    establishments.ended_on,
    establishments.working_persons
from establishments
left join regions
    on regions.region_level = 'gemeente'
    and establishments.gemeente_code = regions.region_code
