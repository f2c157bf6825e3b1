{#- The region level a CBS region code stands for, by its prefix (NL01, PV27, GM0363, WK036300, BU03630000). -#}
{% macro cbs_region_level(code) -%}
    case left({{ code }}, 2)
        when 'NL' then 'nederland'
        when 'PV' then 'provincie'
        when 'GM' then 'gemeente'
        when 'WK' then 'wijk'
        when 'BU' then 'buurt'
    end
{%- endmacro %}
