import json

import pandas as pd
import pytest

from zicht.extracts.sbi import section_of, vulnerable_branches
from zicht.synth.extract_files import generate_extracts

from .conftest import SEED


def _kvk(extracts_dir):
    return pd.read_csv(extracts_dir / "kvk_vestigingen_2025.csv", sep=";", dtype=str, keep_default_na=False)


def test_files_and_formats(extracts_dir):
    names = sorted(p.name for p in extracts_dir.iterdir())
    assert "kvk_vestigingen_2025.csv" in names
    assert any(n.endswith(".xlsx") for n in names)
    assert [f"om_zaken_{y}.csv" for y in range(2021, 2026)] == [n for n in names if n.startswith("om_")]
    legacy = (extracts_dir / "om_zaken_2021.csv").read_bytes()
    assert legacy.splitlines()[0].count(b";") == 8 and b"\r\n" in legacy
    assert any(b";" in line and b"," in line.split(b";")[-1] for line in legacy.splitlines()[1:200])
    newest = (extracts_dir / "om_zaken_2025.csv").read_text(encoding="utf-8")
    assert newest.splitlines()[0].count(",") == 8


def test_kvk_register_is_realistic(extracts_dir):
    kvk = _kvk(extracts_dir)
    assert 150_000 < len(kvk) < 300_000
    assert kvk["vestigingsnummer"].is_unique
    assert kvk["kvk_nummer"].str.fullmatch(r"\d{8}").all()
    assert kvk["vestigingsnummer"].str.fullmatch(r"\d{12}").all()
    assert kvk["sbi_code"].map(section_of).notna().all()
    assert set(vulnerable_branches()) <= set(kvk["sbi_code"])
    closed = kvk["einddatum"] != ""
    assert 0.15 < closed.mean() < 0.5
    assert (kvk.loc[closed, "einddatum"] >= kvk.loc[closed, "startdatum"]).all()
    assert (kvk["kvk_nummer"].value_counts() > 1).any()  # some companies have several establishments
    assert kvk["statutaire_naam"].str.contains("[éöëüçİı]", regex=True).any()


def test_planted_patterns_are_findable(extracts_dir):
    truth = json.loads((extracts_dir / "extracts_ground_truth.json").read_text(encoding="utf-8"))
    kvk_pattern, om_pattern = truth["planted_patterns"]
    kvk = _kvk(extracts_dir)
    open_ = kvk[kvk["einddatum"] == ""]
    per_gemeente = open_.assign(gm="GM" + open_["buurt_code"].str[2:6])
    kappers = per_gemeente[per_gemeente["sbi_code"] == "96021"].groupby("gm").size()
    everything = per_gemeente.groupby("gm").size()
    share = (kappers / everything).dropna()
    assert share.idxmax() == kvk_pattern["gemeente_code"]
    assert kappers[kvk_pattern["gemeente_code"]] == kvk_pattern["open_establishments"]["96021"]

    om = pd.read_csv(extracts_dir / "om_zaken_2024.csv", sep=";", encoding="cp1252", dtype=str)
    drugs = om[om["delictgroep"].str.startswith("opiumwet")].groupby("pleeggemeente").size()
    rate = drugs / om.groupby("pleeggemeente").size()
    assert rate.idxmax() == om_pattern["gemeente_code"]
    assert drugs[om_pattern["gemeente_code"]] == om_pattern["cases_per_year"]["2024"]


def test_same_seed_same_bytes(synthetic_dir, extracts_dir, tmp_path):
    again = generate_extracts("demo", SEED, synthetic_dir, tmp_path)
    for path in again:
        assert path.read_bytes() == (extracts_dir / path.name).read_bytes() or path.suffix == ".xlsx", (
            path.name
        )
    truth = json.loads((tmp_path / "extracts_ground_truth.json").read_text(encoding="utf-8"))
    assert truth["seed"] == SEED


def test_refuses_a_mismatched_synthetic_netherlands(synthetic_dir, tmp_path):
    with pytest.raises(ValueError, match="seed"):
        generate_extracts("demo", SEED + 1, synthetic_dir, tmp_path)


def test_disclosure_cases_are_planted_as_described(extracts_dir):
    truth = json.loads((extracts_dir / "extracts_ground_truth.json").read_text(encoding="utf-8"))
    cases = {case["case"]: case for case in truth["disclosure_cases"]}
    kvk = _kvk(extracts_dir).assign(gm=lambda frame: "GM" + frame["buurt_code"].str[2:6])
    workers = kvk["werkzame_personen"].astype(int)

    dominant = cases["dominant_establishment"]
    branch = kvk["sbi_code"].str.startswith(dominant["sbi_code"]) & (kvk["gm"] == dominant["gemeente_code"])
    largest = workers[branch].max()
    assert largest == dominant["working_persons"]
    # more than three quarters of the branch's working persons there, whoever else is open in a year
    assert largest > 0.75 * workers[branch].sum()
    assert (branch & (workers > 0)).sum() >= 4  # enough contributors: it is dominance, not frequency

    single = cases["single_establishment"]
    branch = kvk["sbi_code"].str.startswith(single["sbi_code"]) & (kvk["gm"] == single["gemeente_code"])
    assert branch.sum() == 1 and kvk.loc[branch, "einddatum"].iloc[0] == ""
    assert dominant["gemeente_code"] != single["gemeente_code"]
    assert {dominant["gemeente_code"], single["gemeente_code"]}.isdisjoint(
        {pattern["gemeente_code"] for pattern in truth["planted_patterns"]}
    )
