"""The warm-started programs give the intervals an attacker deduces, for groups solved together."""

import math

from zicht.disclosure.lp import Programs, block_intervals


def test_independent_groups_solved_together_give_each_cell_its_own_interval():
    # group 0: a + b = 40 and b + c = 25  ->  a in [15, 40], b in [0, 25], c in [0, 25]
    # group 1: d - e = 3 (d a total, e its only hidden part), nothing bounds them from above
    # group 2: f = 7 (the only hidden part of a published relation): pinned
    first = [(((0, 1.0), (1, 1.0)), 40.0), (((1, 1.0), (2, 1.0)), 25.0)]
    second = [(((0, 1.0), (1, -1.0)), 3.0)]
    third = [(((0, 1.0),), 7.0)]
    intervals = block_intervals([3, 2, 1], [first, second, third], cap=1e6)
    assert intervals[0] == [(15.0, 40.0), (0.0, 25.0), (0.0, 25.0)]
    assert intervals[1][0][0] == 3.0 and math.isinf(intervals[1][0][1])
    assert intervals[1][1][0] == 0.0 and math.isinf(intervals[1][1][1])
    assert intervals[2] == [(7.0, 7.0)]


def test_one_cell_after_another_in_one_model_keeps_each_answer():
    programs = Programs(3, [(((0, 1.0), (1, 1.0), (2, 1.0)), 30.0), (((0, 1.0), (1, -1.0)), 0.0)], cap=1e6)
    # a = b and a + b + c = 30: a and b in [0, 15], c in [0, 30]
    assert [programs.interval(column) for column in (0, 1, 2, 0)] == [(0, 15), (0, 15), (0, 30), (0, 15)]
