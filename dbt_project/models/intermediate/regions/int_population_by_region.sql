-- Inhabitants and land area of every region and year: Nederland, gemeenten, wijken and buurten as CBS
-- publishes them, provinces and RIEC regions as the sum of their gemeenten.
with kerncijfers as (
    select * from {{ ref('stg_cbs__kerncijfers_wijken_buurten') }}
),

regions as (
    select * from {{ ref('int_regions_per_year') }}
),

published_levels as (
    select
        regions.period_year,
        regions.region_level,
        regions.region_code,
        regions.region_name,
        regions.gemeente_code,
        regions.province_code,
        regions.riec_code,
        kerncijfers.inhabitants,
        kerncijfers.land_area_ha
    from regions
    inner join kerncijfers
        on regions.period_year = kerncijfers.period_year
        and regions.region_code = kerncijfers.region_code
),

gemeenten as (
    select * from published_levels where region_level = 'gemeente'
),

provinces as (
    select
        gemeenten.period_year,
        'provincie' as region_level,
        gemeenten.province_code as region_code,
        any_value(regions.province_name) as region_name,
        cast(null as varchar) as gemeente_code,
        gemeenten.province_code,
        cast(null as varchar) as riec_code,
        sum(gemeenten.inhabitants) as inhabitants,
        sum(gemeenten.land_area_ha) as land_area_ha
    from gemeenten
    inner join regions
        on gemeenten.period_year = regions.period_year
        and gemeenten.region_code = regions.region_code
    group by gemeenten.period_year, gemeenten.province_code
),

riec_regions as (
    select
        gemeenten.period_year,
        'riec' as region_level,
        gemeenten.riec_code as region_code,
        any_value(regions.riec_name) as region_name,
        cast(null as varchar) as gemeente_code,
        cast(null as varchar) as province_code,
        gemeenten.riec_code,
        sum(gemeenten.inhabitants) as inhabitants,
        sum(gemeenten.land_area_ha) as land_area_ha
    from gemeenten
    inner join regions
        on gemeenten.period_year = regions.period_year
        and gemeenten.region_code = regions.region_code
    group by gemeenten.period_year, gemeenten.riec_code
)

select * from published_levels
union all by name
select * from provinces
union all by name
select * from riec_regions
