-- Every measure of every year in the reference indeling: codes of earlier years converted through the
-- herindeling table (shares applied), then provinces and RIEC regions summed from their gemeenten.
-- Sources list the levels they publish themselves (Nederland, gemeente, and wijk/buurt where they have them).
{%- set measure_models = [
    'int_measures__kerncijfers',
    'int_measures__misdrijven',
    'int_measures__verdachten',
    'int_measures__verkopen',
    'int_measures__om',
    'int_measures__kvk',
] %}

with measures as (
    {% for model in measure_models %}
    select period_year, region_level, region_code, measure, category, amount from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

conversion as (
    select * from {{ ref('int_region_conversion') }}
),

reference_regions as (
    select * from {{ ref('int_reference_regions') }}
),

converted as (
    select
        measures.period_year,
        measures.region_level,
        coalesce(conversion.new_code, measures.region_code) as region_code,
        measures.measure,
        measures.category,
        sum(measures.amount * coalesce(conversion.share, 1.0)) as amount
    from measures
    left join conversion
        on measures.period_year = conversion.period_year
        and measures.region_level = conversion.region_level
        and measures.region_code = conversion.old_code
    group by all
),

gemeenten as (
    select converted.*, reference_regions.province_code, reference_regions.riec_code
    from converted
    inner join reference_regions
        on converted.region_level = 'gemeente'
        and converted.region_code = reference_regions.region_code
        and reference_regions.region_level = 'gemeente'
)

select * from converted
union all
select period_year, 'provincie', province_code, measure, category, sum(amount)
from gemeenten
group by all
union all
select period_year, 'riec', riec_code, measure, category, sum(amount)
from gemeenten
group by all
