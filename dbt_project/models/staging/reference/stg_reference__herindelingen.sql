-- The conversion of each year's region codes to the newest indeling, from the most recent delivery
-- (each delivery is a complete table, so older deliveries are replaced, not merged).
with deliveries as (
    select
        codes.*,
        dense_rank() over (order by manifest.landed_at desc, codes.ingest_id desc) as delivery_rank
    from {{ source('reference', 'herindeling_codes') }} as codes
    inner join {{ source('reference', 'extract_manifest') }} as manifest
        on codes.ingest_id = manifest.ingest_id
        and manifest.outcome = 'loaded'
)

select
    cast(jaar as integer) as period_year,
    niveau as region_level,
    oude_code as old_code,
    nieuwe_code as new_code,
    cast(aandeel as double) as share,
    ingest_id
from deliveries
where delivery_rank = 1
