-- Registered crime per kind of crime (CBS code) at every level CBS publishes, in each year's indeling.
-- A missing figure is not published (CBS suppression), never zero: such rows are left out.
select
    period_year,
    region_type as region_level,
    region_code,
    'misdrijven' as measure,
    crime_code as category,
    cast(registered_crimes as double) as amount
from {{ ref('stg_cbs__geregistreerde_misdrijven') }}
where registered_crimes is not null
    and region_type in ('nederland', 'gemeente', 'wijk', 'buurt')
