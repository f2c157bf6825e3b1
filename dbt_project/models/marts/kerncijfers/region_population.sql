-- Inhabitants and population density of every region and year, with Nederland's density that year and
-- the region's index against it (Nederland = 100).
with population as (
    select * from {{ ref('int_population_by_region') }}
),

with_density as (
    select
        *,
        land_area_ha / 100.0 as land_area_km2,
        inhabitants / nullif(land_area_ha / 100.0, 0) as population_density
    from population
),

national as (
    select period_year, population_density as national_population_density
    from with_density
    where region_level = 'nederland'
)

select
    cast(with_density.period_year as integer) as period_year,
    with_density.region_level,
    with_density.region_code,
    with_density.region_name,
    case when with_density.region_level in ('gemeente', 'wijk', 'buurt') then with_density.gemeente_code end
        as gemeente_code,
    with_density.province_code,
    with_density.riec_code,
    cast(with_density.inhabitants as bigint) as inhabitants,
    cast(with_density.land_area_km2 as double) as land_area_km2,
    cast(with_density.population_density as double) as population_density,
    cast(national.national_population_density as double) as national_population_density,
    cast(
        {{ index_against(
            'with_density.population_density', 'national.national_population_density'
        ) }} as double
    ) as population_density_index
from with_density
inner join national
    on with_density.period_year = national.period_year
