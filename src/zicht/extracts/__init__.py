"""KvK and OM extracts: declared schemas, landing from an inbox, validation, raw load and privacy."""

from zicht.extracts.inbox import LandingOutcome, land_inbox
from zicht.extracts.privacy import pseudonym_key, pseudonymise
from zicht.extracts.regions import RegionList
from zicht.extracts.schemas import SCHEMAS, identifying_columns, schema_for

__all__ = [
    "SCHEMAS",
    "LandingOutcome",
    "RegionList",
    "identifying_columns",
    "land_inbox",
    "pseudonym_key",
    "pseudonymise",
    "schema_for",
]
