-- Registered crime per region, crime category and year. CBS keeps many years in one table; each
-- year is loaded on its own and the family view unions them. The category title comes from the
-- SoortMisdrijf dimension of the same load.
with crimes as (
    select * from {{ source('cbs', 'cbs_geregistreerde_misdrijven') }}
),

categories as (
    select * from {{ source('cbs', 'cbs_geregistreerde_misdrijven__categories') }}
    where dimension = 'SoortMisdrijf'
)

select
    crimes.table_id,
    cast(crimes.period as integer) as period_year,
    crimes.WijkenEnBuurten as region_code,
    {{ cbs_region_level('crimes.WijkenEnBuurten') }} as region_type,
    crimes.SoortMisdrijf as crime_code,
    categories.Title as crime_title,
    -- NULL is a suppressed cell, not zero.
    cast(crimes.GeregistreerdeMisdrijven as bigint) as registered_crimes
from crimes
left join categories
    on crimes.ingest_id = categories.ingest_id
    and crimes.SoortMisdrijf = categories.Key
