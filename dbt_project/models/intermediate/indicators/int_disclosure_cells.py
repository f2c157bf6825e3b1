"""Disclosure control of every count Zicht publishes from its own records (OM cases, KvK establishments).

One table per published count (measure and category, as numerator or denominator) and year, over
the region hierarchy of the reference indeling at the levels its indicators are shown: primary rules
of the indicator's disclosure class, secondary suppression with tau-ARGUS and the audit of every
suppressed cell (zicht.disclosure), for magnitudes (working persons) with the dominance rule on
their largest contributors (int_magnitude_contributors); tables whose categories add up (branches
to all kwetsbare branches) are then closed against differencing across them.
Which tables those are is decided in `zicht.disclosure.jobs`, which the national benchmark shares.
CBS figures are published and protected by CBS and are not protected again.
"""

from zicht.disclosure.jobs import category_sums, protect_jobs, protected_counts_sql, table_jobs
from zicht.disclosure.rules import load_rules
from zicht.indicators import load_catalog


def model(dbt, session):
    dbt.config(materialized="table")
    catalog = load_catalog()
    # dbt finds a Python model's refs only in plain `dbt.ref(...)` calls, not in a chained expression.
    branches = dbt.ref("kwetsbare_branches")
    branch_codes = branches.df()["sbi_code"].astype(str).tolist()
    regions = dbt.ref("int_reference_regions").df()
    protected_cells = protected_counts_sql(catalog, branch_codes)
    amounts = dbt.ref("int_measures_harmonised").filter(protected_cells).df()
    contributors = dbt.ref("int_magnitude_contributors").filter(protected_cells).df()
    jobs = table_jobs(catalog, branch_codes, regions, amounts, contributors)
    return protect_jobs(jobs, load_rules(), category_sums(catalog, branch_codes))
