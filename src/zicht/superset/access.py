"""Who sees what in Superset: analyst roles, one row-level security rule per region, demo users.

Three roles read the published datasets and dashboards, never SQL Lab: `Zicht RIEC-analist`,
`Zicht provincie-analist` and `Zicht ministerie`. A RIEC or provincial analyst also holds the role
of their own region (`Zicht RIEC Rotterdam`, `Zicht provincie Utrecht`, ...), which carries one rule:
on every published dataset with wijk or buurt rows, wijk and buurt rows only of their region,
gemeente and higher rows everywhere. The ministry has no region and sees every row.
This module writes that as JSON; superset_assets/sync_access.py applies it inside Superset.
"""

from __future__ import annotations

import csv
import os
import tomllib
from dataclasses import dataclass

from zicht.settings import PROJECT_ROOT
from zicht.superset.bundle import read_bundle
from zicht.superset.environment import DEMO_CREDENTIALS_PATH
from zicht.synth.regions import PROVINCES

RIEC_REGIONS_SEED = PROJECT_ROOT / "dbt_project" / "seeds" / "riec_regions.csv"
PUBLISHED_DATABASE = "databases/zicht_published.yaml"
RIEC_ANALYST = "Zicht RIEC-analist"
PROVINCE_ANALYST = "Zicht provincie-analist"
MINISTRY = "Zicht ministerie"
BASE_ROLES = (RIEC_ANALYST, PROVINCE_ANALYST, MINISTRY)
# Filters with one group key are OR-ed: a user with two region roles sees both regions.
REGION_GROUP_KEY = "zicht_region"
DETAIL_LEVELS = ("wijk", "buurt")
RLS_COLUMNS = {"region_level", "riec_code", "province_code"}
# Demo users: (username, base role, kind of region, region code or None).
DEMO_USERS = (
    ("riec-rotterdam", RIEC_ANALYST, "riec", "RIEC07"),
    ("provincie-utrecht", PROVINCE_ANALYST, "provincie", "PV26"),
    ("ministerie", MINISTRY, None, None),
)


class DemoPasswordRefused(RuntimeError):
    """ZICHT_ENV=production with a missing or demo password."""


@dataclass(frozen=True)
class Region:
    kind: str  # riec or provincie
    code: str
    name: str

    @property
    def column(self) -> str:
        return "riec_code" if self.kind == "riec" else "province_code"

    @property
    def role(self) -> str:
        return f"Zicht {'RIEC' if self.kind == 'riec' else 'provincie'} {self.name}"

    def clause(self) -> str:
        levels = ", ".join(f"'{level}'" for level in DETAIL_LEVELS)
        return f"(region_level NOT IN ({levels}) OR {self.column} = '{self.code}')"


def regions() -> list[Region]:
    with open(RIEC_REGIONS_SEED, encoding="utf-8", newline="") as handle:
        riec = [Region("riec", row["riec_code"], row["riec_name"]) for row in csv.DictReader(handle)]
    return riec + [Region("provincie", code, name) for code, name in PROVINCES.items()]


def _demo() -> dict:
    return tomllib.loads(DEMO_CREDENTIALS_PATH.read_text(encoding="utf-8"))


def is_production() -> bool:
    return os.environ.get("ZICHT_ENV", "embedded").strip().lower() == "production"


def analyst_password() -> str:
    """SUPERSET_ANALYST_PASSWORD, or the demo one; production refuses the demo one."""
    demo = _demo()["analyst_password"]
    password = os.environ.get("SUPERSET_ANALYST_PASSWORD") or demo
    if is_production() and password == demo:
        raise DemoPasswordRefused(
            "ZICHT_ENV=production: set SUPERSET_ANALYST_PASSWORD; "
            "the demo password of the analyst users is refused."
        )
    return password


def published_datasets() -> dict[str, dict]:
    """Datasets of the bundle on the published database, by uuid."""
    bundle = read_bundle()
    database = bundle[PUBLISHED_DATABASE]["uuid"]
    return {
        config["uuid"]: config
        for path, config in bundle.items()
        if path.startswith("datasets/") and config["database_uuid"] == database
    }


def rls_dataset_uuids() -> list[str]:
    """The published datasets the region rules apply to: those carrying level, RIEC and province."""
    return sorted(
        uuid
        for uuid, config in published_datasets().items()
        if RLS_COLUMNS <= {column["column_name"] for column in config["columns"]}
    )


def access_spec() -> dict:
    """Everything sync_access.py applies, as JSON-ready data."""
    by_code = {region.code: region for region in regions()}
    targets = rls_dataset_uuids()
    users = []
    for username, base_role, _, code in DEMO_USERS:
        roles = [base_role] + ([by_code[code].role] if code else [])
        users.append(
            {
                "username": username,
                "first_name": username.split("-")[0].capitalize(),
                "last_name": by_code[code].name if code else "BZK",
                "email": f"{username}@zicht.invalid",
                "roles": roles,
            }
        )
    return {
        "base_roles": list(BASE_ROLES),
        "published_dataset_uuids": sorted(published_datasets()),
        "region_roles": [
            {
                "name": region.role,
                "rule": {
                    "name": f"{region.role}: wijken en buurten van de eigen regio",
                    "description": f"Wijk- en buurtrijen alleen van {region.name}; gemeenten overal.",
                    "group_key": REGION_GROUP_KEY,
                    "clause": region.clause(),
                    "dataset_uuids": targets,
                },
            }
            for region in regions()
        ],
        "users": users,
        "password": analyst_password(),
    }


def demo_logins() -> list[tuple[str, str]]:
    """(username, role description) of every demo user, for printing beside the password."""
    return [
        (username, base_role + (f" ({code})" if code else "")) for username, base_role, _, code in DEMO_USERS
    ]
