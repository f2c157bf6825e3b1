-- Existing homes sold per gemeente and for Nederland (provinces are summed from the gemeenten of the
-- reference indeling, like every source's).
select
    period_year,
    region_type as region_level,
    region_code,
    'woningverkopen' as measure,
    'totaal' as category,
    cast(dwellings_sold as double) as amount
from {{ ref('stg_cbs__verkochte_woningen') }}
where dwellings_sold is not null
    and region_type in ('nederland', 'gemeente')
