import pytest

from zicht.odata import ODataQueryError, compile_filter

ROWS = [
    {"WijkenEnBuurten": "GM0363    ", "SoortRegio_2": "Gemeente  ", "AantalInwoners_5": 900},
    {"WijkenEnBuurten": "WK036300  ", "SoortRegio_2": "Wijk      ", "AantalInwoners_5": 40},
    {"WijkenEnBuurten": "GM0014    ", "SoortRegio_2": "Gemeente  ", "AantalInwoners_5": None},
]
COLUMNS = list(ROWS[0])


def keys(expression):
    predicate = compile_filter(expression, COLUMNS)
    return [row["WijkenEnBuurten"].strip() for row in ROWS if predicate(row)]


def test_eq_and_or_with_parentheses():
    assert keys("WijkenEnBuurten eq 'GM0363    '") == ["GM0363"]
    assert keys("SoortRegio_2 eq 'Gemeente  ' and AantalInwoners_5 gt 100") == ["GM0363"]
    assert keys("(WijkenEnBuurten eq 'GM0014    ') or (AantalInwoners_5 lt 100)") == ["WK036300", "GM0014"]
    assert keys("not (SoortRegio_2 eq 'Wijk      ')") == ["GM0363", "GM0014"]


def test_string_functions():
    assert keys("substringof('GM', WijkenEnBuurten)") == ["GM0363", "GM0014"]
    assert keys("startswith(WijkenEnBuurten, 'WK0363')") == ["WK036300"]
    assert keys("substringof('0363', WijkenEnBuurten) eq true and AantalInwoners_5 ge 900") == ["GM0363"]


@pytest.mark.parametrize(
    "expression",
    ["Unknown eq 'x'", "WijkenEnBuurten eq", "WijkenEnBuurten ~ 'x'", "length(WijkenEnBuurten) eq 3", ""],
)
def test_unsupported_filters_raise(expression):
    with pytest.raises(ODataQueryError):
        compile_filter(expression, COLUMNS)
