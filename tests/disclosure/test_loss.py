"""Information loss per theme and region level, against figures computed by hand."""

import math

import pandas as pd

from zicht.disclosure.loss import count_themes, information_loss
from zicht.indicators import load_catalog


def _cells(rows):
    return pd.DataFrame(rows, columns=["measure", "category", "region_level", "value", "status"])


def test_shares_of_cells_and_of_value_per_theme_and_level():
    cells = _cells(
        [
            # om_zaken/harddrugs (theme drugs), two years pooled
            ("om_zaken", "hard", "gemeente", 4.0, "primary"),
            ("om_zaken", "hard", "gemeente", 20.0, "secondary"),
            ("om_zaken", "hard", "gemeente", 76.0, "safe"),
            ("om_zaken", "hard", "gemeente", 0.0, "empty"),
            ("om_zaken", "hard", "nederland", 100.0, "safe"),
            # kvk/vastgoed, shown by two themes
            ("kvk", "vastgoed", "gemeente", 2.0, "primary"),
            ("kvk", "vastgoed", "gemeente", 8.0, "safe"),
            # a numerator no theme publishes is left out
            ("kvk", "other", "gemeente", 1.0, "primary"),
        ]
    )
    themes = {("om_zaken", "hard"): ("drugs",), ("kvk", "vastgoed"): ("drugs", "vastgoed")}
    loss = information_loss(cells, themes).set_index(["theme", "region_level"])

    drugs = loss.loc[("drugs", "gemeente")]
    # 6 gemeente cells (4 OM + 2 KvK), 3 suppressed; value 4 + 20 + 2 = 26 of 110
    assert (drugs["cells"], drugs["suppressed_cells"]) == (6, 3)
    assert (drugs["primary_cells"], drugs["secondary_cells"]) == (2, 1)
    assert drugs["share_cells"] == 3 / 6
    assert math.isclose(drugs["share_value"], 26 / 110)
    nederland = loss.loc[("drugs", "nederland")]
    assert (nederland["cells"], nederland["suppressed_cells"], nederland["share_value"]) == (1, 0, 0.0)
    vastgoed = loss.loc[("vastgoed", "gemeente")]
    assert (vastgoed["cells"], vastgoed["share_cells"], vastgoed["share_value"]) == (2, 0.5, 0.2)
    assert set(loss.index.get_level_values("theme")) == {"drugs", "vastgoed"}
    # levels run from the top of the hierarchy down within a theme
    assert list(loss.loc["drugs"].index) == ["nederland", "gemeente"]


def test_a_level_without_any_value_has_no_value_share():
    cells = _cells([("om_zaken", "hard", "buurt", 0.0, "empty")])
    loss = information_loss(cells, {("om_zaken", "hard"): ("drugs",)})
    assert loss.loc[0, "share_cells"] == 0.0
    assert math.isnan(loss.loc[0, "share_value"])


def test_count_themes_follow_the_catalog():
    catalog = load_catalog()
    themes = count_themes(catalog, ["96021"])
    harddrugs = catalog.indicator("drugs_om_harddrugs").numerator
    assert themes[(harddrugs.measure, harddrugs.category)] == ("drugs",)
    branches = catalog.indicator("kb_vestigingen").numerator
    assert themes[(branches.measure, "96021")] == ("kwetsbare_branches",)
