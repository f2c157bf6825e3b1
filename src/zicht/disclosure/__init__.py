"""Statistical disclosure control of region tables: rules, primary and secondary suppression, audit.

Independent of dbt and Airflow: a table of cells (pandas) goes in, the same cells with their status
and audit interval come out. See `protect.protect_cells`.
"""

from zicht.disclosure.attack import differencing_attack
from zicht.disclosure.audit import AuditResult, audit_table
from zicht.disclosure.cells import CellTableError, Relation, relations, validate_cells
from zicht.disclosure.protect import DisclosureError, ProtectedTable, protect_cells, suppressed_share
from zicht.disclosure.rules import DisclosureRules, RuleError, load_rules

__all__ = [
    "AuditResult",
    "CellTableError",
    "DisclosureError",
    "DisclosureRules",
    "ProtectedTable",
    "Relation",
    "RuleError",
    "audit_table",
    "differencing_attack",
    "load_rules",
    "protect_cells",
    "relations",
    "suppressed_share",
    "validate_cells",
]
