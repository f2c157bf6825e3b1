-- KvK establishments per year, counted from the register's start and end dates, per buurt, wijk,
-- gemeente and Nederland of the reference indeling (the register carries today's buurt codes).
-- Categories: those of int_establishment_categories. Besides the counts, the working persons of the
-- establishments open at the end of the year (a magnitude: its largest contributors are in
-- int_magnitude_contributors).
with establishments as (
    select establishment_key, buurt_code, wijk_code, gemeente_code, started_on, ended_on, working_persons
    from {{ ref('int_establishments_located') }}
),

categories as (
    select * from {{ ref('int_establishment_categories') }}
),

years as (
    select distinct period_year from {{ ref('int_regions_per_year') }}
),

flags as (
    select
        years.period_year,
        establishments.buurt_code,
        establishments.wijk_code,
        establishments.gemeente_code,
        categories.category,
        {{ open_at_year_end('establishments.started_on', 'establishments.ended_on', 'years.period_year') }}
            as open_at_end,
        establishments.working_persons,
        establishments.started_on < make_date(years.period_year, 1, 1)
            and coalesce(establishments.ended_on >= make_date(years.period_year, 1, 1), true) as open_at_start,
        year(establishments.started_on) = years.period_year as opened,
        coalesce(year(establishments.ended_on) = years.period_year, false) as closed,
        coalesce(
            year(establishments.ended_on) = years.period_year
            and establishments.ended_on - establishments.started_on < 730,
            false
        ) as closed_young
    from establishments
    inner join categories on establishments.establishment_key = categories.establishment_key
    cross join years
),

counted as (
    select
        period_year,
        case
            when grouping(gemeente_code) = 1 then 'nederland'
            when grouping(wijk_code) = 1 then 'gemeente'
            when grouping(buurt_code) = 1 then 'wijk'
            else 'buurt'
        end as region_level,
        coalesce(buurt_code, wijk_code, gemeente_code, 'NL00') as region_code,
        category,
        count_if(open_at_end) as kvk_vestigingen,
        count_if(open_at_start) as kvk_vestigingen_begin,
        count_if(opened) as kvk_oprichtingen,
        count_if(closed) as kvk_opheffingen,
        count_if(closed_young) as kvk_kortlevend,
        coalesce(cast(sum(working_persons) filter (where open_at_end) as bigint), 0) as kvk_werkzame_personen
    from flags
    group by grouping sets (
        (period_year, category, gemeente_code, wijk_code, buurt_code),
        (period_year, category, gemeente_code, wijk_code),
        (period_year, category, gemeente_code),
        (period_year, category)
    )
)

select period_year, region_level, region_code, measure, category, cast(amount as double) as amount
from (
    unpivot counted
    on kvk_vestigingen, kvk_vestigingen_begin, kvk_oprichtingen, kvk_opheffingen, kvk_kortlevend,
        kvk_werkzame_personen
    into name measure value amount
)
