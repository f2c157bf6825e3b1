"""The access declaration: roles, one rule per region and dataset; production refuses demo passwords."""

from __future__ import annotations

import pytest

from zicht.superset import access
from zicht.superset.bundle import read_bundle


def test_one_region_role_and_rule_per_riec_region_and_province():
    spec = access.access_spec()
    names = [role["name"] for role in spec["region_roles"]]
    assert len(names) == len(set(names)) == 10 + 12
    rotterdam = next(role for role in spec["region_roles"] if role["name"] == "Zicht RIEC Rotterdam")
    assert rotterdam["rule"]["clause"] == "(region_level NOT IN ('wijk', 'buurt') OR riec_code = 'RIEC07')"
    utrecht = next(role for role in spec["region_roles"] if role["name"] == "Zicht provincie Utrecht")
    assert utrecht["rule"]["clause"].endswith("OR province_code = 'PV26')")
    assert {role["rule"]["group_key"] for role in spec["region_roles"]} == {access.REGION_GROUP_KEY}


def test_rules_cover_every_published_dataset_with_wijk_and_buurt_rows():
    bundle = read_bundle()
    by_uuid = {config["uuid"]: path for path, config in bundle.items() if path.startswith("datasets/")}
    targets = {by_uuid[uuid] for uuid in access.rls_dataset_uuids()}
    assert targets == {
        "datasets/zicht_published/region_population.yaml",
        "datasets/zicht_published/region_population_latest.yaml",
        "datasets/zicht_published/region_map_latest.yaml",
        "datasets/zicht_published/indicator_values.yaml",
        "datasets/zicht_published/indicator_values_on_the_map.yaml",
        "datasets/zicht_published/indicator_funnel.yaml",
        "datasets/zicht_published/signal_map.yaml",
    }
    assert set(access.rls_dataset_uuids()) <= set(access.access_spec()["published_dataset_uuids"])


def test_demo_users_hold_a_base_role_and_their_region():
    spec = access.access_spec()
    roles = set(spec["base_roles"]) | {role["name"] for role in spec["region_roles"]}
    users = {user["username"]: user["roles"] for user in spec["users"]}
    assert users["riec-rotterdam"] == ["Zicht RIEC-analist", "Zicht RIEC Rotterdam"]
    assert users["ministerie"] == ["Zicht ministerie"]
    assert all(set(user_roles) <= roles for user_roles in users.values())


def test_production_refuses_the_demo_analyst_password(monkeypatch):
    monkeypatch.setenv("ZICHT_ENV", "production")
    monkeypatch.delenv("SUPERSET_ANALYST_PASSWORD", raising=False)
    with pytest.raises(access.DemoPasswordRefused, match="SUPERSET_ANALYST_PASSWORD"):
        access.access_spec()
    monkeypatch.setenv("SUPERSET_ANALYST_PASSWORD", "a-private-one")
    assert access.access_spec()["password"] == "a-private-one"


def test_setup_refuses_the_demo_admin_password_in_production(monkeypatch, tmp_path):
    from zicht.superset import setup_superset, superset_environment

    monkeypatch.setenv("ZICHT_ENV", "production")
    monkeypatch.setenv("SUPERSET_ANALYST_PASSWORD", "a-private-one")
    monkeypatch.delenv("SUPERSET_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("ZICHT_DATA_DIR", str(tmp_path))
    with pytest.raises(access.DemoPasswordRefused, match="SUPERSET_ADMIN_PASSWORD"):
        setup_superset(superset_environment())
    assert not (tmp_path / "superset").exists(), "nothing may be set up with a refused password"
