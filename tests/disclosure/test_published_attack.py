"""The attack on a published file finds every route by which a withheld count can be given away."""

import duckdb
import pandas as pd
import pytest

from zicht.disclosure.published_attack import attack_published
from zicht.indicators.catalog import parse_catalog

CATALOG = parse_catalog(
    {
        "themes": {"drugs": {"name_nl": "Drugs", "name_en": "Drugs", "description": "-"}},
        "measures": {
            "inwoners": {"source": "cbs"},
            "om_zaken": {"source": "om", "from_records": True, "category_sums": {"drugs": ["hard", "soft"]}},
        },
        "indicators": [
            {
                "code": code,
                "theme": "drugs",
                "name_nl": code,
                "name_en": code,
                "definition": code,
                "numerator": {"measure": "om_zaken", "category": category},
                "denominator": denominator,
                "unit": "-",
                "scale": scale,
                "statistic": statistic,
                "concern": "higher",
                "levels": ["nederland", "provincie", "gemeente"],
                "disclosure_class": "persons",
            }
            for code, category, denominator, scale, statistic in (
                ("hard", "hard", {"measure": "inwoners"}, 10000, "poisson"),
                ("soft", "soft", {"measure": "inwoners"}, 10000, "poisson"),
                ("jong", "drugs_jong", {"measure": "om_zaken", "category": "drugs"}, 100, "binomial"),
                ("jong_rate", "drugs_jong", {"measure": "inwoners"}, 10000, "poisson"),
            )
        ],
    }
)
REGIONS = [("nederland", "NL00", None), ("provincie", "PV20", None), ("gemeente", "GM0001", "PV20"),
           ("gemeente", "GM0002", "PV20")]  # fmt: skip
INHABITANTS = {"NL00": 30000.0, "PV20": 30000.0, "GM0001": 10000.0, "GM0002": 20000.0}
COUNTS = {  # per region: hard, soft, drugs (= hard + soft), drugs_jong
    "NL00": (30, 40, 70, 20), "PV20": (30, 40, 70, 20), "GM0001": (4, 15, 19, 6), "GM0002": (26, 25, 51, 14),
}  # fmt: skip


def _rows(withheld: dict[tuple[str, str], str]) -> pd.DataFrame:
    """Every row published, except (indicator, region) -> 'numerator', 'denominator' or 'value'
    withheld for disclosure (the value is withheld with any count; 'value' keeps the counts)."""
    rows = []
    for level, code, province in REGIONS:
        hard, soft, drugs, young = COUNTS[code]
        for indicator, numerator, denominator, scale in (
            ("hard", hard, INHABITANTS[code], 10000),
            ("soft", soft, INHABITANTS[code], 10000),
            ("jong", young, drugs, 100),
            ("jong_rate", young, INHABITANTS[code], 10000),
        ):
            row = {
                "period_year": 2025, "region_level": level, "region_code": code, "gemeente_code": None,
                "province_code": province, "riec_code": None, "indicator_code": indicator,
                "breakdown_code": "totaal", "numerator": float(numerator), "denominator": float(denominator),
                "value": numerator / denominator * scale, "suppression_reason": None,
            }  # fmt: skip
            what = withheld.get((indicator, code))
            if what:
                row["suppression_reason"] = "secondary"
                if what != "rate_kept":
                    row["value"] = None
                if what in ("numerator", "rate_kept"):
                    row["numerator"] = None
                if what == "denominator":
                    row["denominator"] = None
            rows.append(row)
    return pd.DataFrame(rows)


def _attack(withheld):
    connection = duckdb.connect()
    connection.register("indicator_values", _rows(withheld))
    return {(r.cell, r.how): r.value for r in attack_published(connection, CATALOG, branch_codes=())}


def test_nothing_withheld_nothing_recovered():
    assert _attack({}) == {}


def test_a_denominator_withheld_is_the_sum_of_its_published_parts():
    # drugs cases of GM0001 are jong's denominator, withheld there; hard + soft give them away
    found = _attack({("jong", "GM0001"): "denominator"})
    assert found == {("om_zaken/drugs/2025/GM0001", "differencing"): 19.0}


def test_a_count_given_away_by_its_rate():
    found = _attack({("hard", "GM0001"): "rate_kept", ("hard", "GM0002"): "numerator"})
    assert found[("om_zaken/hard/2025/GM0001", "from_the_rate")] == pytest.approx(4.0)


def test_a_lone_withheld_gemeente_is_its_province_minus_the_others():
    found = _attack({("hard", "GM0001"): "numerator", ("soft", "GM0001"): "numerator",
                     ("jong", "GM0001"): "denominator"})  # fmt: skip
    assert found[("om_zaken/hard/2025/GM0001", "differencing")] == 4.0


def test_the_category_sum_gives_a_part_away_that_the_regions_protect():
    # hard withheld in both gemeenten (the province does not give one away), soft and drugs published
    found = _attack({("hard", "GM0001"): "numerator", ("hard", "GM0002"): "numerator"})
    assert found == {
        ("om_zaken/hard/2025/GM0001", "differencing"): 4.0,
        ("om_zaken/hard/2025/GM0002", "differencing"): 26.0,
    }


def test_a_count_withheld_in_one_row_and_published_in_another():
    # young drugs cases are jong's numerator and jong_rate's: withheld in one, published in the other
    found = _attack({("jong", "GM0001"): "numerator"})
    assert found == {("om_zaken/drugs_jong/2025/GM0001", "published_elsewhere"): 6.0}
