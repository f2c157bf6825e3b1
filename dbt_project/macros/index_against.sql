{#- A region's value as an index against a reference value (reference = 100); NULL when undefined. -#}
{% macro index_against(value, reference) -%}
    (100.0 * {{ value }} / nullif({{ reference }}, 0))
{%- endmacro %}
