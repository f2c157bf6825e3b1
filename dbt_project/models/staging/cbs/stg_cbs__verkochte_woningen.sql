-- Existing homes sold and their average price per region (Nederland, provinces, gemeenten) and year.
with sales as (
    select * from {{ source('cbs', 'cbs_verkochte_woningen') }}
)

select
    table_id,
    cast(period as integer) as period_year,
    RegioS as region_code,
    {{ cbs_region_level('RegioS') }} as region_type,
    cast(VerkochteWoningen as bigint) as dwellings_sold,
    -- NULL where nothing was sold.
    cast(GemiddeldeVerkoopprijs as bigint) as average_sale_price_eur
from sales
