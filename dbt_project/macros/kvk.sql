{#- Whether a KvK establishment was open at the end of `year` (31 December): started by then and not
    ended by then. One definition for the counts (int_measures__kvk) and the magnitudes' contributors. -#}
{% macro open_at_year_end(started_on, ended_on, year) -%}
    ({{ started_on }} <= make_date({{ year }}, 12, 31)
        and coalesce({{ ended_on }} > make_date({{ year }}, 12, 31), true))
{%- endmacro %}
