"""Create or update Zicht's roles, row-level security rules and demo users in Superset.

Run with Superset's own interpreter (SUPERSET_CONFIG_PATH set), after the bundle import:
    .venvs/superset/bin/python superset_assets/sync_access.py ACCESS.json

ACCESS.json is written by zicht.superset.access (the single place that decides who sees what).
Every run makes Superset match it: role permissions are replaced, rules and users updated by name,
so running it again changes nothing. Roles, rules or users it does not name are left alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Anything with these words in its permission or view is SQL Lab (or a way into raw SQL).
_SQL_LAB_WORDS = ("sql", "query", "queries", "savedquery", "tabstate", "tableschema")


def _is_sql_lab(permission_view) -> bool:
    names = f"{permission_view.permission.name} {permission_view.view_menu.name}".lower().replace(" ", "")
    return any(word in names for word in _SQL_LAB_WORDS)


def _datasets_by_uuid(db, uuids: list[str]) -> dict:
    from superset.connectors.sqla.models import SqlaTable

    found = {str(table.uuid): table for table in db.session.query(SqlaTable).all()}
    missing = sorted(set(uuids) - set(found))
    if missing:
        raise SystemExit(f"access sync failed: datasets not imported: {missing}")
    return {uuid: found[uuid] for uuid in uuids}


def _sync_role(security_manager, name: str, permission_views: list) -> object:
    role = security_manager.find_role(name) or security_manager.add_role(name)
    role.permissions = permission_views
    return role


def _sync_rule(db, rule: dict, roles: list, tables: list, filter_type: str = "Regular") -> None:
    """A Regular rule applies to the roles it names; a Base rule to every role it does not name."""
    from superset.connectors.sqla.models import RowLevelSecurityFilter

    existing = db.session.query(RowLevelSecurityFilter).filter_by(name=rule["name"]).one_or_none()
    target = existing or RowLevelSecurityFilter(name=rule["name"])
    target.description = rule["description"]
    target.filter_type = filter_type
    target.group_key = rule["group_key"]
    target.clause = rule["clause"]
    target.roles = roles
    target.tables = tables
    if existing is None:
        db.session.add(target)


def _sync_user(security_manager, user: dict, password: str | None) -> str:
    roles = [security_manager.find_role(name) for name in user["roles"]]
    found = security_manager.find_user(username=user["username"])
    if password is None:
        # No demo analysts here (production without their password): one left from an embedded
        # install can no longer log in.
        if found is None:
            return "absent"
        found.active = False
        security_manager.update_user(found)
        return "deactivated"
    if found is None:
        created = security_manager.add_user(
            user["username"], user["first_name"], user["last_name"], user["email"], roles, password
        )
        if not created:
            raise SystemExit(f"access sync failed: user {user['username']!r} could not be created")
        return "created"
    found.roles = roles
    found.active = True
    found.fail_login_count = 0
    security_manager.update_user(found)
    security_manager.reset_password(found.id, password)
    return "updated"


def _reset_admin(security_manager, admin: dict) -> None:
    """The admin's password is the one of the environment (or of this embedded install), also when
    the account was made earlier with another: none from an earlier install survives a setup."""
    found = security_manager.find_user(username=admin["username"])
    if found is None:
        raise SystemExit(f"access sync failed: admin {admin['username']!r} missing; create it first")
    found.active = True
    found.fail_login_count = 0
    security_manager.update_user(found)
    security_manager.reset_password(found.id, admin["password"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", type=Path, help="JSON written by zicht.superset.access")
    args = parser.parse_args()
    spec = json.loads(args.spec.read_text(encoding="utf-8"))

    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset import db, security_manager

        datasets = _datasets_by_uuid(db, spec["published_dataset_uuids"])
        gamma = security_manager.find_role("Gamma")
        if gamma is None:
            raise SystemExit("access sync failed: role Gamma missing; run `superset init` first")
        # Gamma reads dashboards and charts and builds its own; without SQL Lab and without data,
        # which comes from one datasource_access permission per published dataset.
        base = [pv for pv in gamma.permissions if not _is_sql_lab(pv)]
        data_access = []
        for dataset in datasets.values():
            pv = security_manager.add_permission_view_menu("datasource_access", dataset.get_perm())
            data_access.append(pv)
        for name in spec["base_roles"]:
            _sync_role(security_manager, name, base + data_access)
        for region in spec["region_roles"]:
            role = _sync_role(security_manager, region["name"], [])
            tables = [datasets[uuid] for uuid in region["rule"]["dataset_uuids"]]
            _sync_rule(db, region["rule"], [role], tables)
        no_region = spec["no_region_rule"]
        exempt = [security_manager.find_role(name) for name in no_region["exempt_roles"]]
        if None in exempt:
            raise SystemExit(f"access sync failed: a role of {no_region['exempt_roles']} is missing")
        tables = [datasets[uuid] for uuid in no_region["dataset_uuids"]]
        _sync_rule(db, no_region, exempt, tables, filter_type="Base")
        _reset_admin(security_manager, spec["admin"])
        db.session.commit()
        outcomes = {
            user["username"]: _sync_user(security_manager, user, spec["password"]) for user in spec["users"]
        }
        db.session.commit()
        print(json.dumps({"roles": len(spec["base_roles"]) + len(spec["region_roles"]), "users": outcomes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
