-- Suspects by place of residence (gemeente and Nederland), per offence group and age group as
-- '<offence>/<age>' (e.g. drugs/12-24); CBS rounds them to multiples of 10.
select
    period_year,
    region_type as region_level,
    region_code,
    'verdachten' as measure,
    offence_code || '/' || age_group as category,
    cast(suspects as double) as amount
from {{ ref('stg_cbs__verdachten') }}
where suspects is not null
    and region_type in ('nederland', 'gemeente')
