"""Who sees what in Superset: analyst roles, row-level security per region, demo users, row scopes.

Three roles read the published datasets and dashboards, never SQL Lab: `Zicht RIEC-analist`,
`Zicht provincie-analist` and `Zicht ministerie`. A RIEC or provincial analyst also holds the role
of their own region (`Zicht RIEC Rotterdam`, `Zicht provincie Utrecht`, ...), which carries one rule:
on every published dataset with wijk or buurt rows, wijk and buurt rows only of their region,
gemeente and higher rows everywhere. A base rule gives everyone else (an analyst without a region,
any role Zicht does not know) no wijk or buurt row; the Admin, the ministry and the region roles are
exempt from it. The ministry sees every row.

Row-level security is one wall. The other: each query runs on the published file of its user's
scope (zicht.scoped_files), checked before it runs (superset_assets/row_scope.py, query_guard.py),
which reads `row_scope_spec()` from `<data>/superset/row_scopes.json`.
This module writes both as JSON; superset_assets/sync_access.py applies the first inside Superset.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from zicht.row_scope import NO_REGION, SCOPED_DIR, RegionScope, no_region_clause
from zicht.scoped_files import SCOPE_FILE
from zicht.settings import PROJECT_ROOT, Settings, get_settings
from zicht.superset.bundle import bundle_targets, read_bundle
from zicht.superset.credentials import analyst_password
from zicht.synth.regions import PROVINCES

RIEC_REGIONS_SEED = PROJECT_ROOT / "dbt_project" / "seeds" / "riec_regions.csv"
PUBLISHED_DATABASE = "databases/zicht_published.yaml"
RIEC_ANALYST = "Zicht RIEC-analist"
PROVINCE_ANALYST = "Zicht provincie-analist"
MINISTRY = "Zicht ministerie"
ADMIN = "Admin"
BASE_ROLES = (RIEC_ANALYST, PROVINCE_ANALYST, MINISTRY)
# Roles that read the full published file (row_scope.py: the Admin unchecked, the ministry checked).
FULL_ACCESS_ROLES = (ADMIN, MINISTRY)
REGION_GROUP_KEY = "zicht_region"
NO_REGION_RULE = "Zicht: geen wijken en buurten zonder regio"
RLS_COLUMNS = {"region_level", "riec_code", "province_code"}
ROW_SCOPES_FILE = "row_scopes.json"
# Demo users: (username, base role, kind of region, region code or None).
DEMO_USERS = (
    ("riec-rotterdam", RIEC_ANALYST, "riec", "RIEC07"),
    ("provincie-utrecht", PROVINCE_ANALYST, "provincie", "PV26"),
    ("ministerie", MINISTRY, None, None),
    # An analyst whose region was never assigned: sees no wijk or buurt (deny by default).
    ("analist-zonder-regio", RIEC_ANALYST, None, None),
)


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

    @property
    def scope(self) -> RegionScope:
        return RegionScope(self.kind, self.code)

    def clause(self) -> str:
        return self.scope.clause()


def regions() -> list[Region]:
    with open(RIEC_REGIONS_SEED, encoding="utf-8", newline="") as handle:
        riec = [Region("riec", row["riec_code"], row["riec_name"]) for row in csv.DictReader(handle)]
    return riec + [Region("provincie", code, name) for code, name in PROVINCES.items()]


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


def access_spec(settings: Settings | None = None) -> dict:
    """Everything sync_access.py applies, as JSON-ready data."""
    from zicht.superset.credentials import admin_login

    by_code = {region.code: region for region in regions()}
    targets = rls_dataset_uuids()
    users = []
    for username, base_role, _, code in DEMO_USERS:
        roles = [base_role] + ([by_code[code].role] if code else [])
        users.append(
            {
                "username": username,
                "first_name": username.split("-")[0].capitalize(),
                "last_name": by_code[code].name
                if code
                else ("BZK" if base_role == MINISTRY else "zonder regio"),
                "email": f"{username}@zicht.invalid",
                "roles": roles,
            }
        )
    admin = admin_login(settings)
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
        # A base rule applies to every role it does not name: deny by default.
        "no_region_rule": {
            "name": NO_REGION_RULE,
            "description": "Wie geen regio heeft, ziet geen wijken en buurten.",
            "group_key": REGION_GROUP_KEY,
            "clause": no_region_clause(),
            "dataset_uuids": targets,
            "exempt_roles": [*FULL_ACCESS_ROLES, *(region.role for region in regions())],
        },
        "admin": {"username": admin.username, "password": admin.password},
        "users": users,
        # None: no demo analysts (production without SUPERSET_ANALYST_PASSWORD); setup deactivates them.
        "password": analyst_password(settings),
    }


def row_scope_spec(settings: Settings | None = None) -> dict:
    """What superset_assets/row_scope.py reads: the files, the scope of each role, each scope's rule."""
    settings = settings or get_settings()
    targets = bundle_targets(settings)
    clauses = {region.code: region.clause() for region in regions()}
    clauses[NO_REGION] = no_region_clause()
    return {
        # Resolved as in the database URIs (zicht.superset.bundle), which row_scope.py compares them with.
        "published_path": str(targets.published_path.resolve()),
        "ops_path": str(targets.ops_path.resolve()),
        "scoped_dir": str((settings.published_dir / SCOPED_DIR).resolve()),
        "scope_file": SCOPE_FILE,
        "no_region": NO_REGION,
        "full_access_roles": list(FULL_ACCESS_ROLES),
        "region_roles": {region.role: region.code for region in regions()},
        "clauses": clauses,
    }


def demo_logins() -> list[tuple[str, str]]:
    """(username, role description) of every demo user, for printing beside the password."""
    return [
        (username, base_role + (f" ({code})" if code else "")) for username, base_role, _, code in DEMO_USERS
    ]
