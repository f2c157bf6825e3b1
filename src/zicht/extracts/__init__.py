"""KvK and OM extracts: declared schemas, landing from an inbox, validation, raw load and privacy.

The names below are imported on first use: dbt's pseudonym plugin imports `zicht.extracts.privacy`
at the start of every dbt run, and the landing modules would bring pandas with them.
"""

from importlib import import_module

_HOME = {
    "LandingOutcome": "zicht.extracts.inbox",
    "land_inbox": "zicht.extracts.inbox",
    "pseudonym_key": "zicht.extracts.privacy",
    "pseudonymise": "zicht.extracts.privacy",
    "RegionList": "zicht.extracts.regions",
    "SCHEMAS": "zicht.extracts.schemas",
    "identifying_columns": "zicht.extracts.schemas",
    "schema_for": "zicht.extracts.schemas",
}

__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(_HOME[name]), name)
