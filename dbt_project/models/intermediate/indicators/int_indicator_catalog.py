"""The indicator catalog (src/zicht/indicators/catalog.yml) as a table: one row per indicator."""

import pandas as pd

from zicht.indicators import load_catalog


def model(dbt, session):
    dbt.config(materialized="table")
    catalog = load_catalog()
    rows = []
    for indicator in catalog.indicators:
        theme = catalog.themes[indicator.theme]
        rows.append(
            {
                **indicator.as_row(catalog.measures),
                "theme_name_nl": theme.name_nl,
                "theme_name_en": theme.name_en,
            }
        )
    return pd.DataFrame(rows)
