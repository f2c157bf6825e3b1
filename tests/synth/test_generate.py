import json

import numpy as np
import pytest

from tests.synth.conftest import SEED, read_year
from zicht.synth import generate
from zicht.synth.tables import COUNT_COLUMNS

YEARS = [2021, 2022, 2023, 2024, 2025]


def _files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_same_seed_gives_byte_identical_files(demo_dir, tmp_path):
    again = generate("demo", SEED, tmp_path / "again")
    assert _files(again) == _files(demo_dir)
    generate("demo", SEED, again)  # regenerating in place changes nothing either
    assert _files(again) == _files(demo_dir)


def test_different_seed_gives_different_data(demo_dir, tmp_path):
    other = generate("demo", SEED + 1, tmp_path / "other")
    assert (other / "kerncijfers_2021.parquet").read_bytes() != (
        demo_dir / "kerncijfers_2021.parquet"
    ).read_bytes()


def test_writes_every_year_and_ground_truth(demo_dir):
    names = {p.name for p in demo_dir.iterdir()}
    for year in YEARS:
        assert {
            f"kerncijfers_{year}.parquet",
            f"gebieden_{year}.parquet",
            f"conversion_{year}.parquet",
        } <= names
    truth = json.loads((demo_dir / "ground_truth.json").read_text())
    assert truth["seed"] == SEED and truth["scale"] == "demo" and truth["years"] == YEARS


def test_year_list_is_a_parameter(tmp_path):
    folder = generate("demo", 3, tmp_path, years=[2024, 2025])
    assert sorted(p.name for p in folder.glob("kerncijfers_*")) == [
        "kerncijfers_2024.parquet",
        "kerncijfers_2025.parquet",
    ]
    assert json.loads((folder / "ground_truth.json").read_text())["mergers"][0]["year"] == 2025


def test_unknown_scale_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown scale"):
        generate("galactic", 1, tmp_path)


@pytest.mark.parametrize("year", YEARS)
def test_codes_nest_and_every_gemeente_has_one_province_and_riec(demo_dir, year):
    table = read_year(demo_dir, year)
    buurten = table[table["soort"] == "Buurt"]
    wijken = table[table["soort"] == "Wijk"]
    gemeenten = table[table["soort"] == "Gemeente"]
    assert buurten["code"].str.fullmatch(r"BU\d{8}").all()
    assert wijken["code"].str.fullmatch(r"WK\d{6}").all()
    assert gemeenten["code"].str.fullmatch(r"GM\d{4}").all()
    assert (buurten["code"].str[2:8] == buurten["wijk_code"].str[2:]).all()
    assert set(buurten["wijk_code"]) == set(wijken["code"])
    assert (wijken["code"].str[2:6] == wijken["gemeente_code"].str[2:]).all()
    assert set(wijken["gemeente_code"]) == set(gemeenten["code"])
    assert table["code"].is_unique
    per_gemeente = table.dropna(subset=["gemeente_code"]).groupby("gemeente_code")
    assert (per_gemeente["province_code"].nunique() == 1).all()
    assert (per_gemeente["riec_code"].nunique() == 1).all()
    assert gemeenten["province_code"].nunique() == 12
    assert gemeenten["riec_code"].nunique() == 10


@pytest.mark.parametrize("year", YEARS)
def test_counts_add_up_the_hierarchy(demo_dir, year):
    table = read_year(demo_dir, year)
    columns = list(COUNT_COLUMNS)
    buurt_sums = table[table["soort"] == "Buurt"].groupby("wijk_code")[columns].sum()
    wijken = table[table["soort"] == "Wijk"].set_index("code")[columns]
    assert (wijken.sort_index() == buurt_sums.sort_index()).all().all()
    wijk_sums = table[table["soort"] == "Wijk"].groupby("gemeente_code")[columns].sum()
    gemeenten = table[table["soort"] == "Gemeente"].set_index("code")[columns]
    assert (gemeenten.sort_index() == wijk_sums.sort_index()).all().all()
    land = table[table["soort"] == "Land"].iloc[0]
    assert land["code"] == "NL00"
    assert (land[columns].astype(int) == gemeenten.sum()).all()
    assert (table["Mannen"] + table["Vrouwen"] == table["AantalInwoners"]).all()
    ages = table[["k_0Tot15Jaar", "k_15Tot25Jaar", "k_25Tot45Jaar", "k_45Tot65Jaar", "k_65JaarOfOuder"]].sum(
        axis=1
    )
    assert (ages == table["AantalInwoners"]).all()
    assert (table["OppervlakteTotaal"] == table["OppervlakteLand"] + table["OppervlakteWater"]).all()
    density = (table["AantalInwoners"] / (table["OppervlakteLand"] / 100)).round()
    assert (table["Bevolkingsdichtheid"].astype(float) == density).all()


def test_population_changes_slowly(demo_dir):
    first = read_year(demo_dir, 2021).set_index("code")
    second = read_year(demo_dir, 2022).set_index("code")
    gemeenten = first.index[first["soort"] == "Gemeente"].intersection(second.index)
    change = second.loc[gemeenten, "AantalInwoners"] / first.loc[gemeenten, "AantalInwoners"] - 1
    assert change.abs().max() < 0.05
    assert change.abs().max() > 0


def test_merger_recorded_and_applied(demo_dir):
    truth = json.loads((demo_dir / "ground_truth.json").read_text())
    (merger,) = truth["mergers"]
    assert merger["year"] == 2023 and len(merger["old_codes"]) == 2
    before = set(read_year(demo_dir, 2022)["code"])
    after = read_year(demo_dir, 2023)
    assert set(merger["old_codes"]) <= before and merger["new_code"] not in before
    assert merger["new_code"] in set(after["code"])
    assert not set(merger["old_codes"]) & set(after["code"])
    new_digits = merger["new_code"][2:]
    merged = after[after["gemeente_code"] == merger["new_code"]]
    assert merged["code"].str[2:6].eq(new_digits).all()
    assert (merged.loc[merged["soort"] != "Gemeente", "indeling"] == "2").all()
    old_total = read_year(demo_dir, 2022).set_index("code").loc[merger["old_codes"], "AantalInwoners"].sum()
    new_total = after.set_index("code").loc[merger["new_code"], "AantalInwoners"]
    assert abs(new_total / old_total - 1) < 0.05


def test_conversion_tables_map_to_the_newest_indeling(demo_dir):
    import pandas as pd

    truth = json.loads((demo_dir / "ground_truth.json").read_text())
    merger = truth["mergers"][0]
    before = pd.read_parquet(demo_dir / "conversion_2021.parquet")
    gemeente = before[before["level"] == "gemeente"].set_index("old_code")["new_code"]
    for old in merger["old_codes"]:
        assert gemeente[old] == merger["new_code"]
    unchanged = gemeente.drop(merger["old_codes"])
    assert (unchanged.index == unchanged.to_numpy()).all()
    assert set(gemeente.index) == set(read_year(demo_dir, 2021).query("soort == 'Gemeente'")["code"])
    after = pd.read_parquet(demo_dir / "conversion_2024.parquet")
    assert (after["old_code"] == after["new_code"]).all()
    assert (before["weight"] == 1.0).all()


def test_planted_patterns_hold_every_year(demo_dir):
    truth = json.loads((demo_dir / "ground_truth.json").read_text())
    patterns = {p["pattern"]: p for p in truth["planted_patterns"]}
    for year in YEARS:
        gemeenten = read_year(demo_dir, year).query("soort == 'Gemeente'").set_index("code")
        dense = patterns["high_population_density"]
        assert gemeenten["Bevolkingsdichtheid"].astype(float).idxmax() == dense["gemeente_code"]
        assert dense["values"][str(year)] == gemeenten.loc[dense["gemeente_code"], "Bevolkingsdichtheid"]
        woz = patterns["small_gemeente_high_woz"]
        assert gemeenten["GemiddeldeWOZWaardeVanWoningen"].astype(float).idxmax() == woz["gemeente_code"]
        assert gemeenten.loc[woz["gemeente_code"], "AantalInwoners"] < gemeenten["AantalInwoners"].median()


def test_demo_is_heavy_tailed(demo_dir):
    inhabitants = read_year(demo_dir, 2025).query("soort == 'Gemeente'")["AantalInwoners"]
    assert inhabitants.max() > 8 * inhabitants.median()


def test_national_scale_sizes_and_tail(national_dir):
    table = read_year(national_dir, 2025)
    counts = table["soort"].value_counts()
    assert 330 <= counts["Gemeente"] <= 350
    assert 3_000 <= counts["Wijk"] <= 3_600
    assert 12_500 <= counts["Buurt"] <= 15_500
    total = table.query("soort == 'Land'")["AantalInwoners"].iloc[0]
    assert 17_600_000 <= total <= 18_200_000
    inhabitants = np.sort(table.query("soort == 'Gemeente'")["AantalInwoners"].to_numpy())[::-1]
    assert inhabitants[: len(inhabitants) // 10].sum() > 0.4 * inhabitants.sum()
    assert inhabitants[0] > 20 * np.median(inhabitants)
