"""Tables linked by a category sum (parts adding up to a total) closed against differencing across them."""

import dataclasses

import pytest

from tests.disclosure.conftest import LEAVES, build_table
from zicht.disclosure import DisclosureError, differencing_attack, protect_cells
from zicht.disclosure.category_links import close_category_leaks, linked_relations, nested_sums
from zicht.disclosure.jobs import TableJob

SUMS = {"total": ["a", "b"]}


def _jobs(a_leaves):
    a, b = build_table(a_leaves), build_table(LEAVES)
    total = a.assign(value=a["value"] + b["value"], contributors=a["contributors"] + b["contributors"])
    return [
        TableJob("m", category, 2025, "persons", cells)
        for category, cells in (("a", a), ("b", b), ("total", total))
    ]


def _attack(jobs, protected):
    """Differencing over the region relations of every table and the category sum, together."""
    tables = {job.category: table.cells for job, table in zip(jobs, protected, strict=True)}
    published, hidden = {}, set()
    for category, cells in tables.items():
        for code, value, status in cells[["region_code", "value", "status"]].itertuples(index=False):
            if status in ("primary", "secondary"):
                hidden.add(f"{category}|{code}")
            else:
                published[f"{category}|{code}"] = value
    return differencing_attack(linked_relations(tables, SUMS), published, hidden)


def test_a_part_protected_on_its_own_is_recovered_from_the_total(rules, leaves):
    leaves["BU00010101"] = 4
    jobs = _jobs(leaves)
    protected = [protect_cells(job.cells, "persons", rules, job.name) for job in jobs]
    assert all(table.passed for table in protected)  # each table alone is protected ...
    # ... but the total minus b gives a away, the small buurt and its complement alike
    assert _attack(jobs, protected) == {"a|BU00010101": 4.0, "a|BU00010102": 25.0}


def test_closing_the_links_leaves_nothing_to_recover(rules, leaves):
    leaves["BU00010101"] = 4
    jobs = _jobs(leaves)
    protected = [protect_cells(job.cells, "persons", rules, job.name) for job in jobs]
    closed = close_category_leaks(jobs, protected, {"m": SUMS}, rules)
    assert _attack(jobs, closed) == {}
    assert all(table.passed for table in closed)  # the tables given complements were audited again
    hidden_before = {
        (job.category, code)
        for job, table in zip(jobs, protected, strict=True)
        for code in table.cells.loc[table.cells["status"] != "safe", "region_code"]
    }
    hidden_after = {
        (job.category, code)
        for job, table in zip(jobs, closed, strict=True)
        for code in table.cells.loc[table.cells["status"] != "safe", "region_code"]
    }
    assert hidden_before < hidden_after
    assert {category for category, _ in hidden_after - hidden_before} & {"b", "total"}


def test_groups_closed_in_parallel_equal_those_closed_one_by_one(rules, leaves):
    leaves["BU00010101"] = 4
    jobs = _jobs(leaves) + [
        TableJob(job.measure, job.category, 2024, job.disclosure_class, job.cells) for job in _jobs(leaves)
    ]
    protected = [protect_cells(job.cells, "persons", rules, job.name) for job in jobs]
    one_by_one = close_category_leaks(jobs, protected, {"m": SUMS}, dataclasses.replace(rules, workers=1))
    parallel = close_category_leaks(jobs, protected, {"m": SUMS}, dataclasses.replace(rules, workers=2))
    assert _attack(jobs[3:], parallel[3:]) == {} and _attack(jobs[:3], parallel[:3]) == {}
    for serial_table, parallel_table in zip(one_by_one, parallel, strict=True):
        assert serial_table.cells["status"].tolist() == parallel_table.cells["status"].tolist()
    assert [t.cells["status"].tolist() for t in parallel[:3]] == [
        t.cells["status"].tolist() for t in parallel[3:]
    ]


def test_tables_without_sums_are_left_as_they_are(rules, leaves):
    leaves["BU00010101"] = 4
    jobs = _jobs(leaves)
    protected = [protect_cells(job.cells, "persons", rules, job.name) for job in jobs]
    assert close_category_leaks(jobs, protected, {}, rules) == protected


def test_a_sum_that_does_not_hold_is_refused_naming_the_region(rules):
    jobs = _jobs(dict(LEAVES))
    tables = {job.category: job.cells.copy() for job in jobs}
    tables["total"].loc[tables["total"]["region_code"] == "GM0003", "value"] += 1
    with pytest.raises(
        DisclosureError, match=r"in GM0003, total \(601\) is not the sum of its parts a, b \(600\)"
    ):
        linked_relations(tables, SUMS)


def test_a_sum_with_an_unpublished_part_is_no_relation():
    tables = {"total": build_table(LEAVES), "a": build_table(LEAVES)}
    assert not [r for r in linked_relations(tables, SUMS) if r.grouping == "category"]


def test_nested_sums_form_a_hierarchy():
    sums = {"kwetsbaar": ("4511", "5520", "5530", "9604"), "vakantieparken": ("5520", "5530")}
    assert nested_sums(sums) == {
        "kwetsbaar": ("4511", "9604", "vakantieparken"),
        "vakantieparken": ("5520", "5530"),
    }
