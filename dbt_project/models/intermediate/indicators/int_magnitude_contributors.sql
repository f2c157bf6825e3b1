-- The contributors of every magnitude from Zicht's own records, for the dominance rule: per measure,
-- category, year and region, how many establishments contribute (a non-zero amount) and the two
-- largest contributions. The one such magnitude is the working persons of KvK establishments open at
-- the end of the year (kvk_werkzame_personen), published for the kwetsbare branches and each of them.
-- Private: the largest contribution of a buurt can be one company's figure.
with establishments as (
    select * from {{ ref('int_establishments_located') }}
),

categories as (
    select categories.*
    from {{ ref('int_establishment_categories') }} as categories
    where categories.category = 'kwetsbaar'
        or categories.category in (select sbi_code from {{ ref('kwetsbare_branches') }})
),

years as (
    select distinct period_year from {{ ref('int_regions_per_year') }}
),

contributions as (
    select
        years.period_year,
        categories.category,
        establishments.buurt_code,
        establishments.wijk_code,
        establishments.gemeente_code,
        establishments.province_code,
        establishments.riec_code,
        establishments.working_persons
    from establishments
    inner join categories on establishments.establishment_key = categories.establishment_key
    cross join years
    where {{ open_at_year_end('establishments.started_on', 'establishments.ended_on', 'years.period_year') }}
        and establishments.working_persons > 0
),

grouped as (
    select
        period_year,
        category,
        case
            when grouping(buurt_code) = 0 then 'buurt'
            when grouping(wijk_code) = 0 then 'wijk'
            when grouping(gemeente_code) = 0 then 'gemeente'
            when grouping(province_code) = 0 then 'provincie'
            when grouping(riec_code) = 0 then 'riec'
            else 'nederland'
        end as region_level,
        coalesce(buurt_code, wijk_code, gemeente_code, province_code, riec_code, 'NL00') as region_code,
        count(*) as contributors,
        max(working_persons, 2) as largest
    from contributions
    group by grouping sets (
        (period_year, category, buurt_code),
        (period_year, category, wijk_code),
        (period_year, category, gemeente_code),
        (period_year, category, province_code),
        (period_year, category, riec_code),
        (period_year, category)
    )
)

select
    'kvk_werkzame_personen' as measure,
    category,
    period_year,
    region_level,
    region_code,
    contributors,
    cast(largest[1] as double) as top1,
    cast(coalesce(largest[2], 0) as double) as top2
from grouped
