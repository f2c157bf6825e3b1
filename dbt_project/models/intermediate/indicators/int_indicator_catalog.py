"""The indicator catalog (src/zicht/indicators/catalog.yml) as a table: one row per indicator.

With the rounding that disclosure control asks of counts from Zicht's own records (zicht.disclosure.rules:
ZICHT_SDC_ROUNDING_BASE on ZICHT_SDC_ROUNDED_LEVELS): `records_rounding_base` (1: none) and
`records_rounded_levels`. A magnitude is not a count and is not rounded.
"""

import pandas as pd

from zicht.disclosure.rules import load_rules
from zicht.indicators import load_catalog


def model(dbt, session):
    dbt.config(materialized="table")
    catalog, rules = load_catalog(), load_rules()
    rows = []
    for indicator in catalog.indicators:
        theme = catalog.themes[indicator.theme]
        rows.append(
            {
                **indicator.as_row(catalog.measures),
                "theme_name_nl": theme.name_nl,
                "theme_name_en": theme.name_en,
                "records_rounding_base": rules.rounding_base_for(indicator.disclosure_class),
                "records_rounded_levels": ",".join(rules.rounded_levels),
            }
        )
    return pd.DataFrame(rows)
