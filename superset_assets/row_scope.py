"""Which file, and which rule, each user's queries get: the physical wall of row-level security.

Superset calls DB_CONNECTION_MUTATOR (`route_connection`) for every engine it makes, with the user
the query runs for. For the published file the user's scope decides the file:

- Admin: the full file, statements unchecked (the operator; the locked configuration of
  duckdb_files.py still keeps every other file out of reach);
- the ministry: the full file, statements checked (query_guard.py) without a row rule;
- an analyst with one region role: `published/scoped/<RIEC or PV code>/zicht.duckdb`, which holds no
  wijk or buurt of any other region, statements checked with their region's clause;
- anyone else, an analyst without a region and a query without a user included:
  `published/scoped/geen-regio/zicht.duckdb` (no wijk or buurt at all) and the clause that says so;
- a user with two region roles: refused, since no file holds exactly what they may see.

The operations file is for the Admin and the ministry only. Any other DuckDB file (the warehouse, a
file opened for writing), or a missing scope file, is refused, also for the Admin. What the scopes
are is written at `superset setup` by zicht.superset.access into
`<ZICHT_DATA_DIR>/superset/row_scopes.json`; without it every query is refused.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb_files
import query_guard
from flask import g
from sqlalchemy.engine.url import URL

SPEC_FILE = "row_scopes.json"
ADMIN_ROLE = "Admin"


@dataclass(frozen=True)
class Scope:
    name: str  # "alles", a region code, or the no-region scope
    full: bool  # reads the full file
    checked: bool  # statements go through query_guard


@dataclass(frozen=True)
class Spec:
    published_path: str
    ops_path: str
    scoped_dir: str
    scope_file: str
    no_region: str
    full_access_roles: frozenset[str]
    region_roles: dict[str, str]  # role name -> scope (region code)
    clauses: dict[str, str]  # scope -> row clause

    def scoped_path(self, scope: str) -> str:
        return os.path.join(self.scoped_dir, scope, self.scope_file)


_SPEC_CACHE: dict[str, tuple[int, Spec]] = {}
_SPEC_LOCK = threading.Lock()


def spec_path() -> Path:
    data_dir = Path(os.environ.get("ZICHT_DATA_DIR") or Path(__file__).resolve().parent.parent / "data")
    return data_dir.resolve() / "superset" / SPEC_FILE


def load_spec() -> Spec | None:
    """The scopes setup wrote, read again when the file changes; None when there is none."""
    path = spec_path()
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    with _SPEC_LOCK:
        cached = _SPEC_CACHE.get(str(path))
        if cached and cached[0] == mtime:
            return cached[1]
        raw = json.loads(path.read_text(encoding="utf-8"))
        spec = Spec(
            published_path=raw["published_path"],
            ops_path=raw["ops_path"],
            scoped_dir=raw["scoped_dir"],
            scope_file=raw["scope_file"],
            no_region=raw["no_region"],
            full_access_roles=frozenset(raw["full_access_roles"]),
            region_roles=dict(raw["region_roles"]),
            clauses=dict(raw["clauses"]),
        )
        _SPEC_CACHE[str(path)] = (mtime, spec)
        return spec


def _roles_of(username: str | None, security_manager) -> set[str] | None:
    """The role names of the user a query runs for; None when there is no such active user."""
    if not username:
        return set()
    user = getattr(g, "user", None) if _has_app_context() else None
    if user is None or getattr(user, "username", None) != username:
        user = security_manager.find_user(username=username)
    if user is None or not getattr(user, "is_active", False):
        return None
    return {role.name for role in user.roles}


def _has_app_context() -> bool:
    from flask import has_app_context

    return has_app_context()


def scope_of(username: str | None, security_manager, spec: Spec | None) -> Scope:
    """The scope of a user's queries; QueryRefused when no scope fits."""
    roles = _roles_of(username, security_manager)
    if roles is None:
        raise query_guard.QueryRefused(f"gebruiker {username!r} is onbekend of niet actief")
    if spec is None:
        raise query_guard.QueryRefused(f"geen toegangsregels ({spec_path()} ontbreekt): draai superset setup")
    if ADMIN_ROLE in roles:
        return Scope("alles", full=True, checked=False)
    regions = sorted({spec.region_roles[role] for role in roles if role in spec.region_roles})
    if len(regions) > 1:
        raise query_guard.QueryRefused(
            f"gebruiker {username!r} heeft meer dan één regio ({', '.join(regions)}); één regio per gebruiker"
        )
    if regions:
        return Scope(regions[0], full=False, checked=True)
    if roles & spec.full_access_roles:
        return Scope("alles", full=True, checked=True)
    return Scope(spec.no_region, full=False, checked=True)


def _refusing(message: str):
    def creator():
        raise query_guard.QueryRefused(message)

    return creator


def _creator(path: str, scope: Scope, spec: Spec):
    """The connection factory of one user's engine on one DuckDB file."""
    if path == spec.published_path:
        target = path if scope.full else spec.scoped_path(scope.name)
        clause = None if scope.full else spec.clauses[scope.name]
    elif path == spec.ops_path and scope.full:
        target, clause = path, None
    else:
        return _refusing("deze database is niet voor uw rol")
    if not os.path.exists(target):
        return _refusing("er is nog geen publicatie voor uw regio")
    if not scope.checked:
        return lambda: duckdb_files.connect(target)

    def policy_of(tables: frozenset[str], detail_tables: frozenset[str]) -> query_guard.Policy:
        return query_guard.Policy(tables=tables, detail_tables=detail_tables, clause=clause)

    return lambda: duckdb_files.connect(target, policy_of)


def route_connection(url: URL, params: dict, username: str | None, security_manager, *_: object):
    """Superset's DB_CONNECTION_MUTATOR: each user's queries on the file, and under the rule, of their
    scope. Only the published and the operations file, read-only, are reachable at all."""
    if url.get_backend_name() != "duckdb":
        return url, params
    path = duckdb_files.read_only_path(url)
    spec = load_spec()
    if spec is None:
        return url, {**params, "creator": _refusing(f"geen toegangsregels: {spec_path()} ontbreekt")}
    if path is None:
        return url, {**params, "creator": _refusing("alleen de gepubliceerde bestanden, alleen-lezen")}
    try:
        scope = scope_of(username, security_manager, spec)
    except query_guard.QueryRefused as refusal:
        return url, {**params, "creator": _refusing(str(refusal))}
    return url, {**params, "creator": _creator(path, scope, spec)}


def cache_scope(username: str | None, security_manager) -> str:
    """What goes into every chart-data cache key: the scope of the user (or why there is none)."""
    try:
        return scope_of(username, security_manager, load_spec()).name
    except query_guard.QueryRefused as refusal:
        return f"geweigerd: {refusal}"
