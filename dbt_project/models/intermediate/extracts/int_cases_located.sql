-- Each OM case with the crime gemeente placed in the region hierarchy of the case's own year
-- (province and RIEC region), so a gemeente that merged later still counts where it was.
with cases as (
    select * from {{ ref('stg_om__zaken') }}
),

regions as (
    select * from {{ ref('int_regions_per_year') }}
    where region_level = 'gemeente'
)

select
    cases.case_key,
    cases.case_year,
    cases.case_date,
    cases.offence_group,
    cases.crime_gemeente_code,
    regions.province_code as crime_province_code,
    regions.riec_code as crime_riec_code,
    cases.home_gemeente_code,
    cases.age_group,
    cases.decision,
    cases.amount_eur
from cases
left join regions
    on cases.case_year = regions.period_year
    and cases.crime_gemeente_code = regions.region_code
