-- Every region code of every year mapped to the reference indeling (the newest year), with the share
-- of the old region that goes to each new code. Codes without a listed conversion keep their code.
with regions as (
    select period_year, region_level, region_code
    from {{ ref('int_regions_per_year') }}
    where region_level in ('gemeente', 'wijk', 'buurt')
),

listed as (
    select * from {{ ref('stg_reference__herindelingen') }}
)

select
    regions.period_year,
    regions.region_level,
    regions.region_code as old_code,
    coalesce(listed.new_code, regions.region_code) as new_code,
    coalesce(listed.share, 1.0) as share
from regions
left join listed
    on regions.period_year = listed.period_year
    and regions.region_level = listed.region_level
    and regions.region_code = listed.old_code
