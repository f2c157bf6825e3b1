-- Region boundaries of each year as delivered in the wijk- en buurtkaart, in Zicht's names.
select
    period_year,
    region_level,
    region_code,
    region_name,
    wijk_code,
    gemeente_code,
    gemeente_name,
    geometry,
    ingest_id
from {{ source('cbs', 'cbs__wijk_en_buurtkaart') }}
