import json

import numpy as np
import pandas as pd
import pytest

from tests.synth.conftest import read_year
from zicht.synth.crime import CRIME_TOTAL_CODE, crime_categories
from zicht.synth.housing import OWNERSHIP_SHARES

YEARS = [2021, 2022, 2023, 2024, 2025]
LEVEL_PARENT = {"Buurt": "wijk_code", "Wijk": "gemeente_code"}


def read(folder, name, year) -> pd.DataFrame:
    return pd.read_parquet(folder / f"{name}_{year}.parquet")


def patterns(folder) -> dict[str, dict]:
    truth = json.loads((folder / "ground_truth.json").read_text())
    return {p["pattern"]: p for p in truth["planted_patterns"]}


def crimes_wide(folder, year) -> pd.DataFrame:
    """Registered crimes per region (rows, with soort and parents) and category (columns)."""
    crimes = read(folder, "misdrijven", year)
    wide = crimes.pivot(index="code", columns="crime_code", values="registered_crimes").astype("int64")
    kern = read_year(folder, year).set_index("code")
    return wide.join(kern[["soort", "wijk_code", "gemeente_code", "AantalInwoners"]])


def test_planted_patterns_are_described_in_distinct_gemeenten(demo_dir):
    truth = json.loads((demo_dir / "ground_truth.json").read_text())
    planted = {p["pattern"]: p for p in truth["planted_patterns"]}
    assert {name: p["indicators"] for name, p in planted.items()} == {
        "high_population_density": ["kern_bevolkingsdichtheid"],
        "small_gemeente_high_woz": ["wonen_woz_gemiddeld"],
        "drugs_hotspot": ["drugs_handel_politie", "drugs_overlast_politie"],
        "social_unrest": ["onrust_bedreiging_politie", "onrust_openlijk_geweld_politie"],
        "young_drug_suspects": ["drugs_verdachten", "drugs_verdachten_jong_aandeel"],
        "unknown_owners": ["vastgoed_eigendom_onbekend_aandeel"],
    }
    codes = [p["gemeente_code"] for p in planted.values()]
    assert len(set(codes)) == len(codes)
    assert not set(codes) & set(truth["mergers"][0]["old_codes"])
    assert all(p["multiplier"] > 1 and p["description"] and p["gemeente_name"] for p in planted.values())
    # Mid-sized: neither among the smallest nor the largest gemeenten.
    inhabitants = read_year(demo_dir, 2021).query("soort == 'Gemeente'").set_index("code")["AantalInwoners"]
    for name in ("drugs_hotspot", "social_unrest", "young_drug_suspects", "unknown_owners"):
        rank = inhabitants.rank(pct=True)[planted[name]["gemeente_code"]]
        assert 0.4 < rank < 0.95, (name, rank)


@pytest.mark.parametrize("year", YEARS)
def test_crime_counts_add_up_the_hierarchy(demo_dir, year):
    wide = crimes_wide(demo_dir, year)
    codes = [code for code, _, _ in crime_categories()]
    buurten, wijken = wide[wide["soort"] == "Buurt"], wide[wide["soort"] == "Wijk"]
    gemeenten = wide[wide["soort"] == "Gemeente"]
    assert (buurten.groupby("wijk_code")[codes].sum().sort_index() == wijken[codes].sort_index()).all().all()
    by_gemeente = buurten.groupby("gemeente_code")[codes].sum().sort_index()
    assert (by_gemeente == gemeenten[codes].sort_index()).all().all()
    assert (wide.loc["NL00", codes] == buurten[codes].sum()).all()
    categories = [code for code in codes if code != CRIME_TOTAL_CODE]
    assert (wide[CRIME_TOTAL_CODE] >= wide[categories].sum(axis=1)).all()
    assert wide.loc["NL00", CRIME_TOTAL_CODE] > 1.5 * wide.loc["NL00", categories].sum()
    crimes = read(demo_dir, "misdrijven", year)
    assert str(crimes["registered_crimes"].dtype) == "Int64" and not crimes["registered_crimes"].isna().any()
    assert crimes.groupby("code").size().eq(len(codes)).all()


def test_crime_rates_have_no_extra_heterogeneity(national_dir):
    """Outside planted gemeenten a buurt's count varies like Poisson(national rate x inhabitants)."""
    planted = {p["gemeente_code"] for p in patterns(national_dir).values()}
    for code in ("2.2.1", "3.1.1", "1.4.4"):
        observed, expected = [], []
        for year in YEARS:
            wide = crimes_wide(national_dir, year)
            rate = wide.loc["NL00", code] / wide.loc["NL00", "AantalInwoners"]
            buurten = wide[(wide["soort"] == "Buurt") & ~wide["gemeente_code"].isin(planted)]
            buurten = buurten[buurten["AantalInwoners"] > 0]
            observed.append(buurten[code].to_numpy())
            expected.append(rate * buurten["AantalInwoners"].to_numpy())
        observed, expected = np.concatenate(observed), np.concatenate(expected)
        dispersion = ((observed - expected) ** 2 / expected).mean()
        assert 0.9 < dispersion < 1.1, (code, dispersion)


def test_planted_crime_and_suspect_multipliers_are_visible(demo_dir):
    """Against the generator's national rates: the planted gemeente at its multiplier, the rest at 1."""
    planted = patterns(demo_dir)
    rates = {code: rate / 1000 for code, _, rate in crime_categories() if rate is not None}
    for name in ("drugs_hotspot", "social_unrest"):
        pattern = planted[name]
        for code in pattern["crime_codes"]:
            ratios, others = [], []
            for year in YEARS:
                wide = crimes_wide(demo_dir, year)
                gemeenten = wide[wide["soort"] == "Gemeente"]
                expected = rates[code] * gemeenten["AantalInwoners"]
                ratios.append(
                    gemeenten.loc[pattern["gemeente_code"], code] / expected[pattern["gemeente_code"]]
                )
                rest = gemeenten.index != pattern["gemeente_code"]
                others.append(gemeenten.loc[rest, code].sum() / expected[rest].sum())
            assert 0.75 < np.mean(ratios) / pattern["multiplier"] < 1.3, (name, code, ratios)
            assert 0.9 < np.mean(others) < 1.1, (name, code, others)
    young = planted["young_drug_suspects"]
    ratios = []
    for year in YEARS:
        suspects = read(demo_dir, "verdachten", year).query("offence_code == 'D001' and age_code == 'L012'")
        counts = suspects.set_index("code")["suspects"].astype(float)
        population = read_year(demo_dir, year).set_index("code")["k_15Tot25Jaar"]
        rate = counts["NL00"] / population["NL00"]
        ratios.append(counts[young["gemeente_code"]] / (rate * population[young["gemeente_code"]]))
    assert 0.65 < np.mean(ratios) / young["multiplier"] < 1.4, ratios


@pytest.mark.parametrize("year", YEARS)
def test_suspects_are_rounded_to_ten_and_nederland_is_the_rounded_sum(demo_dir, year):
    suspects = read(demo_dir, "verdachten", year)
    assert (suspects["suspects"] % 10 == 0).all()
    gemeenten = read_year(demo_dir, year).query("soort == 'Gemeente'")["code"]
    assert set(suspects["code"]) == {"NL00", *gemeenten}
    assert suspects.groupby("code").size().eq(12).all()  # 4 offences x 3 age groups
    for (offence, age), cell in suspects.groupby(["offence_code", "age_code"]):
        national = cell.loc[cell["code"] == "NL00", "suspects"].iloc[0]
        rounded_sum = cell.loc[cell["code"] != "NL00", "suspects"].sum()
        # Each gemeente's figure is rounded on its own: at most 5 off each.
        assert abs(national - rounded_sum) <= 5 * len(gemeenten), (offence, age)
    wide = suspects.pivot_table(index=["code", "offence_code"], columns="age_code", values="suspects")
    assert ((wide["L012"] + wide["L025"] - wide["T009"]).abs() <= 10).all()


@pytest.mark.parametrize("year", YEARS)
def test_home_sales_add_up_and_follow_the_woz_level(demo_dir, year):
    sales = read(demo_dir, "verkochte_woningen", year).set_index("code")
    kern = read_year(demo_dir, year).query("soort == 'Gemeente'").set_index("code")
    gemeenten = sales[sales["soort"] == "Gemeente"]
    provinces = sales[sales["soort"] == "Provincie"]
    assert set(gemeenten.index) == set(kern.index) and len(provinces) == 12
    by_province = gemeenten["VerkochteWoningen"].groupby(kern["province_code"]).sum()
    assert (by_province.sort_index() == provinces["VerkochteWoningen"].sort_index()).all()
    assert sales.loc["NL00", "VerkochteWoningen"] == gemeenten["VerkochteWoningen"].sum()
    turnover = sales.loc["NL00", "VerkochteWoningen"] / kern["Woningvoorraad"].sum()
    assert 0.035 < turnover < 0.045
    sold = gemeenten[gemeenten["VerkochteWoningen"] > 0]
    ratio = sold["GemiddeldeVerkoopprijs"] / (kern.loc[sold.index, "GemiddeldeWOZWaardeVanWoningen"] * 1000)
    assert ratio.between(0.95, 1.4).all() and 1.1 < ratio.median() < 1.2


@pytest.mark.parametrize("year", YEARS)
def test_ownership_percentages(demo_dir, year):
    kern = read_year(demo_dir, year).set_index("code")
    shares = kern[["Koopwoningen", "HuurwoningenTotaal", "EigendomOnbekend"]].dropna()
    assert ((shares.sum(axis=1) - 100).abs() <= 2).all()  # each share rounded on its own
    rental = kern[["InBezitWoningcorporatie", "InBezitOverigeVerhuurders", "HuurwoningenTotaal"]].dropna()
    assert ((rental.iloc[:, 0] + rental.iloc[:, 1] - rental.iloc[:, 2]).abs() <= 1).all()
    assert kern.loc["NL00", ["Koopwoningen", "InBezitWoningcorporatie", "EigendomOnbekend"]].tolist() == [
        57.0,
        28.0,
        1.0,
    ]
    assert (kern["Woningvoorraad"] == 0).sum() == kern["Koopwoningen"].isna().sum()
    unknown = patterns(demo_dir)["unknown_owners"]
    assert unknown["values"][str(year)] == kern.loc[unknown["gemeente_code"], "EigendomOnbekend"]
    planted_share = OWNERSHIP_SHARES["unknown_owner"] * 100 * unknown["multiplier"]
    assert abs(kern.loc[unknown["gemeente_code"], "EigendomOnbekend"] - planted_share) <= 1.5
    others = kern[(kern["soort"] == "Gemeente") & (kern.index != unknown["gemeente_code"])]
    assert others["EigendomOnbekend"].max() <= 3
