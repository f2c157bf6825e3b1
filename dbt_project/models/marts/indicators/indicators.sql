-- The indicator catalog as published: what each indicator means, for dashboards and documentation.
select
    indicator_code,
    theme_code,
    theme_name_nl,
    theme_name_en,
    name_nl,
    name_en,
    definition,
    unit,
    cast(scale as double) as scale,
    statistic,
    concern,
    levels,
    disclosure_class,
    cast(min_denominator as double) as min_denominator,
    breakdown
from {{ ref('int_indicator_catalog') }}
