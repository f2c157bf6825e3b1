-- One row per region and year of Kerncijfers wijken en buurten, with the region's name from the
-- table's region dimension. CBS's region types become the levels used everywhere in Zicht.
with kerncijfers as (
    select * from {{ source('cbs', 'cbs_kerncijfers_wijken_buurten') }}
),

region_names as (
    select * from {{ source('cbs', 'cbs_kerncijfers_wijken_buurten__regions') }}
)

select
    kerncijfers.table_id,
    cast(kerncijfers.period as integer) as period_year,
    kerncijfers.WijkenEnBuurten as region_code,
    kerncijfers.WijkenEnBuurten_raw as region_code_raw,
    case lower(kerncijfers.SoortRegio)
        when 'land' then 'nederland'
        when 'gemeente' then 'gemeente'
        when 'wijk' then 'wijk'
        when 'buurt' then 'buurt'
    end as region_type,
    region_names.Title as region_name,
    kerncijfers.Gemeentenaam as gemeente_name,
    kerncijfers.AantalInwoners as inhabitants,
    kerncijfers.OppervlakteLand as land_area_ha,
    kerncijfers.k_15Tot25Jaar as inhabitants_15_24,
    kerncijfers.HuishoudensTotaal as households,
    -- Published from 2023 on; earlier years have no such column and get NULL from the family view.
    kerncijfers.Eenpersoonshuishoudens as single_person_households,
    kerncijfers.Woningvoorraad as dwellings,
    kerncijfers.GemiddeldeWOZWaardeVanWoningen as average_woz_keur,
    kerncijfers.Bevolkingsdichtheid as population_density,
    cast(kerncijfers.Koopwoningen as double) as owner_occupied_pct,
    cast(kerncijfers.HuurwoningenTotaal as double) as rental_pct,
    cast(kerncijfers.InBezitWoningcorporatie as double) as corporation_pct,
    cast(kerncijfers.InBezitOverigeVerhuurders as double) as other_landlord_pct,
    cast(kerncijfers.EigendomOnbekend as double) as unknown_owner_pct
from kerncijfers
left join region_names
    on kerncijfers.table_id = region_names.table_id
    and kerncijfers.WijkenEnBuurten = region_names.Key
