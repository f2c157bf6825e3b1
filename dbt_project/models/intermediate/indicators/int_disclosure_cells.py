"""Disclosure control of every count Zicht publishes from its own records (OM cases, KvK establishments).

One table per published count (measure and category, as numerator or denominator) and year, over
the region hierarchy of the reference indeling at the levels its indicators are shown: primary rules
of the indicator's disclosure class, secondary suppression with tau-ARGUS and the audit of every
suppressed cell (zicht.disclosure); tables whose categories add up (branches to all kwetsbare
branches) are then closed against differencing across them.
Which tables those are is decided in `zicht.disclosure.jobs`, which the national benchmark shares.
CBS figures are published and protected by CBS and are not protected again.
"""

from zicht.disclosure.jobs import category_sums, protect_jobs, protected_measures, table_jobs
from zicht.disclosure.rules import load_rules
from zicht.indicators import load_catalog


def model(dbt, session):
    dbt.config(materialized="table")
    catalog = load_catalog()
    # dbt finds a Python model's refs only in plain `dbt.ref(...)` calls, not in a chained expression.
    branches = dbt.ref("kwetsbare_branches")
    branch_codes = branches.df()["sbi_code"].astype(str).tolist()
    regions = dbt.ref("int_reference_regions").df()
    quoted = ", ".join(f"'{measure}'" for measure in protected_measures(catalog))
    amounts = dbt.ref("int_measures_harmonised").filter(f"measure in ({quoted})").df()
    jobs = table_jobs(catalog, branch_codes, regions, amounts)
    return protect_jobs(jobs, load_rules(), category_sums(catalog, branch_codes))
