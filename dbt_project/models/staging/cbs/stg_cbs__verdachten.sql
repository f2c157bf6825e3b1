-- Suspects per woongemeente (and Nederland), offence group, age group and year, rounded by CBS to
-- multiples of 10. The CBS Delict and Leeftijd codes become Zicht's names.
with suspects as (
    select * from {{ source('cbs', 'cbs_verdachten') }}
)

select
    table_id,
    cast(period as integer) as period_year,
    RegioS as region_code,
    {{ cbs_region_level('RegioS') }} as region_type,
    case Delict
        when 'T001' then 'totaal'
        when 'D001' then 'drugs'
        when 'D002' then 'geweld'
        when 'D003' then 'vermogen'
    end as offence_code,
    case Leeftijd
        when 'T009' then 'totaal'
        when 'L012' then '12-24'
        when 'L025' then '25+'
    end as age_group,
    cast(Verdachten as bigint) as suspects
from suspects
