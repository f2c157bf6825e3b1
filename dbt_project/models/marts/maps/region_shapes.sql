-- One outline per gemeente, wijk and buurt and year, as Superset's deck.gl Polygon chart draws it,
-- with the province and RIEC region of its gemeente (row-level security filters on these).
with shapes as (
    select * from {{ ref('stg_cbs__wijk_en_buurtkaart') }}
),

gemeenten as (
    select period_year, region_code as gemeente_code, province_code, riec_code
    from {{ ref('int_regions_per_year') }}
    where region_level = 'gemeente'
),

outlined as (
    select
        *,
        region_outline(geometry, {{ var('region_shape_tolerance_degrees') }}) as polygon
    from shapes
),

with_centroid as (
    select *, ring_centroid(polygon) as centroid
    from outlined
)

select
    cast(with_centroid.period_year as integer) as period_year,
    with_centroid.region_level,
    with_centroid.region_code,
    with_centroid.region_name,
    with_centroid.gemeente_code,
    gemeenten.province_code,
    gemeenten.riec_code,
    with_centroid.polygon,
    cast(with_centroid.centroid[1] as double) as centroid_lon,
    cast(with_centroid.centroid[2] as double) as centroid_lat
from with_centroid
left join gemeenten
    on with_centroid.period_year = gemeenten.period_year
    and with_centroid.gemeente_code = gemeenten.gemeente_code
