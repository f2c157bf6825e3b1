from zicht.disclosure import Relation, differencing_attack

# a wijk of three buurten in a gemeente of two wijken
RELATIONS = [
    Relation("GM1", ("WK1", "WK2"), "region"),
    Relation("WK1", ("BU1", "BU2", "BU3"), "region"),
]
VALUES = {"GM1": 100, "WK1": 60, "WK2": 40, "BU1": 3, "BU2": 27, "BU3": 30}


def _published(hidden):
    return {code: value for code, value in VALUES.items() if code not in hidden}


def test_differencing_recovers_a_lone_hidden_part():
    assert differencing_attack(RELATIONS, _published({"BU1"}), {"BU1"}) == {"BU1": 3}


def test_differencing_iterates_to_a_fixed_point():
    # WK1 first from the gemeente, then BU1 from the wijk just recovered
    hidden = {"BU1", "WK1"}
    assert differencing_attack(RELATIONS, _published(hidden), hidden) == {"WK1": 60, "BU1": 3}


def test_two_hidden_parts_of_one_total_stay_hidden():
    hidden = {"BU1", "BU2"}
    assert differencing_attack(RELATIONS, _published(hidden), hidden) == {}
