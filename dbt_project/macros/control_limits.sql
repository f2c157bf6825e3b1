{#- The funnel's control limit of a ratio (1 = as Nederland) at one region size, side 'lower' or 'upper':
    the exact limit (zicht.indicators.statistics.funnel_limits), and where the regions are overdispersed
    never narrower than Spiegelhalter's (2005) overdispersed limit transformed back to the ratio scale:
    on the square-root scale (poisson) 1 +/- z sqrt(phi / (4E) + tau2), on the arcsine scale (binomial)
    asin(sqrt(p_NL)) +/- z sqrt(phi / (4n) + tau2). `weight` is 4E or 4n (the inverse null variance),
    `inflation` phi in the multiplicative model and `tau2` the between-region variance in the additive
    one (see overdispersion_inflation); with inflation 1 and tau2 0 it is the exact limit. -#}
{% macro control_limit(side, statistic, expected, denominator, national_rate, alpha, weight, inflation, tau2) -%}
{%- set widened = "(" ~ inflation ~ " > 1 or " ~ tau2 ~ " > 0)" -%}
{%- set half_width = "(normal_quantile(1 - (" ~ alpha ~ ") / 2) * sqrt((" ~ inflation ~ ") / (" ~ weight ~ ") + (" ~ tau2 ~ ")))" -%}
{%- if side == 'lower' -%}
    case {{ statistic }}
        when 'poisson' then least(
            poisson_funnel_lower({{ expected }}, {{ alpha }}),
            case when {{ widened }} then power(greatest(1 - {{ half_width }}, 0), 2) end
        )
        when 'binomial' then least(
            binomial_funnel_lower(round({{ denominator }}), {{ national_rate }}, {{ alpha }}),
            case when {{ widened }} then power(
                sin(greatest(asin(sqrt({{ national_rate }})) - {{ half_width }}, 0)), 2
            ) / {{ national_rate }} end
        )
    end
{%- else -%}
    case {{ statistic }}
        when 'poisson' then greatest(
            poisson_funnel_upper({{ expected }}, {{ alpha }}),
            case when {{ widened }} then power(1 + {{ half_width }}, 2) end
        )
        when 'binomial' then greatest(
            binomial_funnel_upper(round({{ denominator }}), {{ national_rate }}, {{ alpha }}),
            case when {{ widened }} then power(
                sin(least(asin(sqrt({{ national_rate }})) + {{ half_width }}, pi() / 2)), 2
            ) / {{ national_rate }} end
        )
    end
{%- endif %}
{%- endmacro %}

{#- The factor phi by which the multiplicative model inflates every region's null variance: phi where
    the regions are significantly overdispersed and var('overdispersion_model') is 'multiplicative', else 1. -#}
{% macro overdispersion_inflation(phi, is_overdispersed) -%}
{%- if var('overdispersion_model') == 'multiplicative' -%}
    (case when {{ is_overdispersed }} then {{ phi }} else 1 end)
{%- elif var('overdispersion_model') == 'additive' -%}
    1
{%- else -%}
    {{ exceptions.raise_compiler_error("overdispersion_model must be 'multiplicative' or 'additive', not " ~ var('overdispersion_model')) }}
{%- endif -%}
{%- endmacro %}
