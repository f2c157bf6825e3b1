{#- Rounding of counts from Zicht's own records, as disclosure control asks (zicht.disclosure.rules),
    in int_indicator_inputs: whether a count from the records is rounded on the row's level, and the
    count as published. Reads the catalog columns records_rounding_base and records_rounded_levels
    of `catalog` and the level of the row in `level`. -#}
{% macro records_rounded(from_records, catalog='breakdowns', level='denominators.region_level') -%}
    ({{ from_records }} and {{ catalog }}.records_rounding_base > 1
        and list_contains(string_split({{ catalog }}.records_rounded_levels, ','), {{ level }}))
{%- endmacro %}

{% macro round_records(amount, from_records, catalog='breakdowns', level='denominators.region_level') -%}
    case when {{ records_rounded(from_records, catalog, level) }}
        then {{ catalog }}.records_rounding_base * floor({{ amount }} / {{ catalog }}.records_rounding_base + 0.5)
        else {{ amount }} end
{%- endmacro %}
