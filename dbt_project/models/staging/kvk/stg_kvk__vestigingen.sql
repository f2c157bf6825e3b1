-- One row per establishment: the most recently landed delivery wins. Identifiers become keyed
-- pseudonyms (the key never appears in SQL: see zicht.dbt_plugins.pseudonym); names and addresses
-- are left out, so nothing downstream can reveal a company or an address. The KvK number is left out
-- too: no indicator counts companies, and a pseudonym nothing needs is only a key to link records by.
with deliveries as (
    select
        vestigingen.*,
        manifest.landed_at,
        row_number() over (
            partition by vestigingen.vestigingsnummer
            order by manifest.landed_at desc, vestigingen.source_row
        ) as delivery_rank
    from {{ source('kvk', 'kvk_vestigingen') }} as vestigingen
    left join {{ source('kvk', 'extract_manifest') }} as manifest
        on vestigingen.ingest_id = manifest.ingest_id
        and manifest.outcome = 'loaded'
),

divisions as (
    select * from {{ ref('sbi_divisions') }}
)

select
    pseudonym(vestigingsnummer) as establishment_key,
    rechtsvorm as legal_form,
    sbi_code,
    divisions.section as sbi_section,
    left(sbi_code, 2) as sbi_division,
    left(sbi_code, 4) as sbi_group,
    buurt_code,
    'WK' || substr(buurt_code, 3, 6) as wijk_code,
    'GM' || substr(buurt_code, 3, 4) as gemeente_code,
    registratiedatum as registered_on,
    startdatum as started_on,
    einddatum as ended_on,
    werkzame_personen as working_persons,
    deliveries.ingest_id
from deliveries
left join divisions
    on left(deliveries.sbi_code, 2) = divisions.division
where deliveries.delivery_rank = 1
