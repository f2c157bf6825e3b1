"""The data-quality gate: Great Expectations suites (``expectations/``) run against the warehouse.

Importing this package is cheap; Great Expectations (6-14 s to import) loads only when a
checkpoint runs.
"""
