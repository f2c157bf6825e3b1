-- OM cases per crime gemeente (in the case year's indeling) and for Nederland: per offence group, all
-- drugs cases (Opiumwet lists I and II), drugs cases with a suspect aged 12 to 25, and all cases.
with cases as (
    select
        case_year as period_year,
        crime_gemeente_code,
        offence_group,
        offence_group like 'opiumwet_%' as is_drugs,
        age_group in ('12-17', '18-24') as is_young
    from {{ ref('stg_om__zaken') }}
),

categorised as (
    select period_year, crime_gemeente_code, offence_group as category from cases
    union all
    select period_year, crime_gemeente_code, 'totaal' from cases
    union all
    select period_year, crime_gemeente_code, 'drugs' from cases where is_drugs
    union all
    select period_year, crime_gemeente_code, 'drugs_jong' from cases where is_drugs and is_young
)

select
    period_year,
    case when grouping(crime_gemeente_code) = 1 then 'nederland' else 'gemeente' end as region_level,
    coalesce(crime_gemeente_code, 'NL00') as region_code,
    'om_zaken' as measure,
    category,
    cast(count(*) as double) as amount
from categorised
group by grouping sets ((period_year, category, crime_gemeente_code), (period_year, category))
