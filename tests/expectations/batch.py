"""Fill a rule's ``{batch}`` in as Great Expectations does, so that the rule tests run the SQL GX runs.

GX passes the batch as a subquery: bare when the rule has a JOIN (the rule aliases it itself), else
aliased ``subselect``, so a rule without a JOIN cannot alias it again.
"""

from __future__ import annotations

from great_expectations.expectations.metrics.query_metric_provider import _query_has_join_clause


def fill_batch(query: str, table: str) -> str:
    subquery = f"(SELECT * FROM {table})"
    return query.format(batch=subquery if _query_has_join_clause(query) else f"{subquery} AS subselect")
