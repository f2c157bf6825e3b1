"""The access declaration: roles, one rule per region and dataset, deny by default, row scopes, logins."""

from __future__ import annotations

import stat
import tomllib

import pytest

from zicht.superset import access, credentials
from zicht.superset.bundle import read_bundle


@pytest.fixture(autouse=True)
def data_dir(monkeypatch, tmp_path):
    for name in (
        "ZICHT_ENV",
        "SUPERSET_ADMIN_PASSWORD",
        "SUPERSET_ANALYST_PASSWORD",
        "SUPERSET_ADMIN_USERNAME",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZICHT_DATA_DIR", str(tmp_path))
    return tmp_path


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
        "datasets/zicht_published/region_shapes.yaml",
        "datasets/zicht_published/indicator_values.yaml",
        "datasets/zicht_published/indicator_values_on_the_map.yaml",
        "datasets/zicht_published/indicator_funnel.yaml",
        "datasets/zicht_published/signal_map.yaml",
    }
    spec = access.access_spec()
    assert set(access.rls_dataset_uuids()) <= set(spec["published_dataset_uuids"])
    assert spec["no_region_rule"]["dataset_uuids"] == access.rls_dataset_uuids()


def test_everyone_without_a_region_gets_no_wijk_or_buurt():
    """A base rule applies to every role it does not name: only the Admin, the ministry and the region
    roles are exempt from it, so an analyst role without a region, or any role Zicht does not know,
    gets the rows of gemeenten and up."""
    spec = access.access_spec()
    rule = spec["no_region_rule"]
    assert rule["clause"] == "region_level NOT IN ('wijk', 'buurt')"
    assert set(rule["exempt_roles"]) == {"Admin", "Zicht ministerie"} | {
        r["name"] for r in spec["region_roles"]
    }
    assert not set(rule["exempt_roles"]) & {access.RIEC_ANALYST, access.PROVINCE_ANALYST, "Gamma", "Public"}


def test_the_row_scopes_name_the_files_and_each_scope_its_rule(data_dir):
    scopes = access.row_scope_spec()
    assert scopes["published_path"] == str((data_dir / "published" / "zicht.duckdb").resolve())
    assert scopes["scoped_dir"] == str((data_dir / "published" / "scoped").resolve())
    assert scopes["region_roles"]["Zicht RIEC Rotterdam"] == "RIEC07"
    assert scopes["region_roles"]["Zicht provincie Utrecht"] == "PV26"
    spec = access.access_spec()
    rules = {role["name"]: role["rule"]["clause"] for role in spec["region_roles"]}
    assert all(scopes["clauses"][code] == rules[role] for role, code in scopes["region_roles"].items())
    assert scopes["clauses"][scopes["no_region"]] == spec["no_region_rule"]["clause"]


def test_demo_users_hold_a_base_role_and_at_most_one_region():
    spec = access.access_spec()
    roles = set(spec["base_roles"]) | {role["name"] for role in spec["region_roles"]}
    users = {user["username"]: user["roles"] for user in spec["users"]}
    assert users["riec-rotterdam"] == ["Zicht RIEC-analist", "Zicht RIEC Rotterdam"]
    assert users["ministerie"] == ["Zicht ministerie"]
    assert users["analist-zonder-regio"] == ["Zicht RIEC-analist"]
    assert all(set(user_roles) <= roles for user_roles in users.values())
    region_roles = {role["name"] for role in spec["region_roles"]}
    assert all(len(set(user_roles) & region_roles) <= 1 for user_roles in users.values())


def test_the_embedded_install_makes_its_own_passwords_and_keeps_them(data_dir):
    admin = credentials.admin_login()
    analyst = credentials.analyst_password()
    assert admin.generated and len(admin.password) >= credentials.MIN_PASSWORD_LENGTH
    assert analyst and analyst != admin.password
    kept = data_dir / "superset" / credentials.LOGINS_FILE
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert tomllib.loads(kept.read_text()) == {"admin_password": admin.password, "analyst_password": analyst}
    assert credentials.admin_login() == admin and credentials.analyst_password() == analyst
    assert access.access_spec()["admin"] == {"username": "admin", "password": admin.password}


def test_the_environment_sets_the_passwords(monkeypatch):
    monkeypatch.setenv("SUPERSET_ADMIN_PASSWORD", "chosen-by-the-operator")
    monkeypatch.setenv("SUPERSET_ANALYST_PASSWORD", "chosen-for-the-analysts")
    assert credentials.admin_login() == credentials.Login("admin", "chosen-by-the-operator", generated=False)
    assert credentials.analyst_password() == "chosen-for-the-analysts"


def test_production_refuses_missing_short_and_embedded_passwords(monkeypatch):
    embedded = credentials.admin_login().password  # an embedded install in the same data folder
    monkeypatch.setenv("ZICHT_ENV", "production")
    with pytest.raises(credentials.WeakSecretRefused, match=r"SUPERSET_ADMIN_PASSWORD .*\(it is missing\)"):
        credentials.admin_login()
    monkeypatch.setenv("SUPERSET_ADMIN_PASSWORD", "short")
    with pytest.raises(credentials.WeakSecretRefused, match=r"at least 12 characters \(it is 5 characters\)"):
        credentials.admin_login()
    monkeypatch.setenv("SUPERSET_ADMIN_PASSWORD", embedded)
    with pytest.raises(credentials.WeakSecretRefused, match="a password of the embedded install"):
        credentials.admin_login()
    monkeypatch.setenv("SUPERSET_ADMIN_PASSWORD", "a-private-operator-password")
    assert credentials.admin_login().password == "a-private-operator-password"


def test_production_has_demo_analysts_only_with_their_own_password(monkeypatch):
    monkeypatch.setenv("ZICHT_ENV", "production")
    monkeypatch.setenv("SUPERSET_ADMIN_PASSWORD", "a-private-operator-password")
    assert access.access_spec()["password"] is None  # sync_access deactivates them
    monkeypatch.setenv("SUPERSET_ANALYST_PASSWORD", "short")
    with pytest.raises(credentials.WeakSecretRefused, match="SUPERSET_ANALYST_PASSWORD"):
        access.access_spec()
    monkeypatch.setenv("SUPERSET_ANALYST_PASSWORD", "a-private-analyst-password")
    assert access.access_spec()["password"] == "a-private-analyst-password"


def test_setup_refuses_a_weak_admin_password_in_production(monkeypatch, data_dir):
    from zicht.superset import setup_superset, superset_environment

    monkeypatch.setenv("ZICHT_ENV", "production")
    with pytest.raises(credentials.WeakSecretRefused, match="SUPERSET_ADMIN_PASSWORD"):
        setup_superset(superset_environment())
    assert not (data_dir / "superset").exists(), "nothing may be set up with a refused password"
