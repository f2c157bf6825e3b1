-- One row per case: the most recently landed delivery wins; the case id becomes a keyed pseudonym.
with deliveries as (
    select
        zaken.*,
        row_number() over (
            partition by zaken.zaak_id
            order by manifest.landed_at desc, zaken.source_row
        ) as delivery_rank
    from {{ source('om', 'om_zaken') }} as zaken
    left join {{ source('kvk', 'extract_manifest') }} as manifest
        on zaken.ingest_id = manifest.ingest_id
        and manifest.outcome = 'loaded'
)

select
    pseudonym(zaak_id) as case_key,
    cast(jaar as integer) as case_year,
    datum as case_date,
    delictgroep as offence_group,
    pleeggemeente as crime_gemeente_code,
    woongemeente as home_gemeente_code,
    leeftijdsgroep as age_group,
    afdoening as decision,
    bedrag_eur as amount_eur,
    ingest_id
from deliveries
where delivery_rank = 1
