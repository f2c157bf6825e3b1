import pytest

from zicht.disclosure.rules import RuleError, load_rules


def test_defaults_follow_the_documented_rules():
    rules = load_rules({})
    assert rules.rule("persons").min_frequency == 10
    assert rules.rule("persons").min_width == 5
    assert rules.rule("companies").min_frequency == 3
    magnitude = rules.rule("magnitude")
    assert (magnitude.min_frequency, magnitude.dominance_n, magnitude.dominance_k) == (3, 2, 75)
    assert rules.rounding_base == 5 and rules.rounded_levels == ("wijk", "buurt")
    assert rules.min_denominator == 100
    assert rules.workers >= 1


def test_environment_overrides_a_rule():
    rules = load_rules({"ZICHT_SDC_PERSONS_MIN_FREQUENCY": "20", "ZICHT_SDC_DOMINANCE_K": "60"})
    assert rules.rule("persons").min_frequency == 20
    assert rules.rule("persons").min_width == 10
    assert rules.rule("magnitude").dominance_k == 60


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ZICHT_SDC_PERSONS_MIN_FREQUENCY": "ten"}, "ZICHT_SDC_PERSONS_MIN_FREQUENCY='ten' is not a int"),
        ({"ZICHT_SDC_DOMINANCE_K": "120"}, "ZICHT_SDC_DOMINANCE_K=120.0 must lie between"),
        ({"ZICHT_SDC_WORKERS": "0"}, "ZICHT_SDC_WORKERS=0 must lie between"),
        ({"ZICHT_SDC_ROUNDED_LEVELS": "wijk,street"}, "unknown region levels ['street']"),
    ],
)
def test_bad_settings_are_refused_by_name(env, message):
    with pytest.raises(RuleError) as error:
        load_rules(env)
    assert message in str(error.value)


def test_unknown_class_is_refused():
    with pytest.raises(RuleError, match="unknown disclosure class 'houses'"):
        load_rules({}).rule("houses")


def test_minimum_denominator():
    # the rounding itself is the SQL macro round_records, unit-tested in dbt (int_indicator_inputs)
    rules = load_rules({})
    assert rules.percentage_publishable(100) and not rules.percentage_publishable(99)


def test_counts_are_rounded_and_magnitudes_never():
    rules = load_rules({})
    assert rules.rounding_base_for("persons") == rules.rounding_base_for("companies") == 5
    assert rules.rounding_base_for("magnitude") == 1
    assert rules.rounded_classes == ("persons", "companies")
    assert load_rules({"ZICHT_SDC_ROUNDING_BASE": "1"}).rounded_classes == ()
    assert load_rules({"ZICHT_SDC_ROUNDED_LEVELS": ""}).rounded_classes == ()
