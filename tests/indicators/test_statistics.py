"""Exact intervals against published table values, and their coverage computed exactly (no sampling)."""

import numpy as np
import pytest
from scipy import stats

from zicht.indicators.statistics import (
    binomial_limits,
    chi_squared_quantile,
    funnel_limits,
    normal_quantile,
    poisson_limits,
)


@pytest.mark.parametrize(
    ("observed", "lower", "upper"),
    [  # Garwood's exact 95 % limits of a Poisson mean, as tabulated (e.g. Ulm 1990)
        (0, 0.0, 3.689),
        (1, 0.0253, 5.572),
        (5, 1.6235, 11.668),
        (10, 4.7954, 18.390),
        (30, 20.241, 42.827),
    ],
)
def test_poisson_limits_match_the_tables(observed, lower, upper):
    low, high = poisson_limits([observed], [0.05])
    assert low[0] == pytest.approx(lower, abs=5e-4)
    assert high[0] == pytest.approx(upper, abs=5e-3)


@pytest.mark.parametrize(
    ("k", "n", "lower", "upper"),
    [  # Clopper-Pearson 95 % limits
        (0, 10, 0.0, 0.3085),
        (3, 10, 0.0667, 0.6525),
        (10, 10, 0.6915, 1.0),
        (50, 100, 0.3983, 0.6017),
    ],
)
def test_binomial_limits_match_the_tables(k, n, lower, upper):
    low, high = binomial_limits([k], [n], [0.05])
    assert low[0] == pytest.approx(lower, abs=5e-4)
    assert high[0] == pytest.approx(upper, abs=5e-4)


@pytest.mark.parametrize("mean", [0.5, 2.0, 7.5, 40.0])
def test_poisson_interval_covers_at_least_its_level(mean):
    counts = np.arange(0, int(mean * 5 + 50))
    low, high = poisson_limits(counts, np.full(len(counts), 0.05))
    covered = (low <= mean) & (mean <= high)
    assert stats.poisson.pmf(counts, mean)[covered].sum() >= 0.95


@pytest.mark.parametrize(("share", "n"), [(0.02, 50), (0.3, 20), (0.5, 200)])
def test_binomial_interval_covers_at_least_its_level(share, n):
    counts = np.arange(0, n + 1)
    low, high = binomial_limits(counts, np.full(n + 1, n), np.full(n + 1, 0.05))
    covered = (low <= share) & (share <= high)
    assert stats.binom.pmf(counts, n, share)[covered].sum() >= 0.95


def test_undefined_input_gives_no_interval():
    low, high = poisson_limits([-1, np.nan], [0.05, 0.05])
    assert np.isnan(low).all() and np.isnan(high).all()
    low, high = binomial_limits([5, 1, np.nan], [3, 0, 10], [0.05] * 3)
    assert np.isnan(low).all() and np.isnan(high).all()


def test_poisson_funnel_limits_by_hand():
    # Poisson(10): F(3) = 0.010336, F(4) = 0.029253, F(16) = 0.972958, F(17) = 0.985722.
    # Lower: the 0.025-quantile is 4, 4 - (0.029253 - 0.025) / (0.029253 - 0.010336) = 3.7752.
    # Upper: the 0.975-quantile is 17, 17 + 1 - (0.985722 - 0.975) / (0.985722 - 0.972958) = 17.1599.
    lower, upper = funnel_limits("poisson", [10.0], 1.0, [0.05])
    assert lower[0] == pytest.approx(3.7752 / 10, abs=1e-4)
    assert upper[0] == pytest.approx(17.1599 / 10, abs=1e-4)


def test_binomial_funnel_limits_by_hand():
    # Binomial(100, 0.2), expected 20: F(11) = 0.012575, F(12) = 0.025329, F(27) = 0.965848,
    # F(28) = 0.979980. Lower 12 - (0.025329 - 0.025) / (0.025329 - 0.012575) = 11.9742;
    # upper 28 + 1 - (0.979980 - 0.975) / (0.979980 - 0.965848) = 28.6476.
    lower, upper = funnel_limits("binomial", [100.0], [0.2], [0.05])
    assert lower[0] == pytest.approx(11.9742 / 20, abs=1e-4)
    assert upper[0] == pytest.approx(28.6476 / 20, abs=1e-4)


@pytest.mark.parametrize("expected", [0.8, 3.0, 10.0, 47.5])
def test_a_count_plots_outside_the_poisson_funnel_exactly_when_the_exact_test_rejects(expected):
    counts = np.arange(0, int(expected * 4 + 30))
    lower, upper = funnel_limits("poisson", np.full(len(counts), expected), 1.0, 0.05)
    exact_lower, exact_upper = poisson_limits(counts, np.full(len(counts), 0.05))
    outside = (counts < lower * expected) | (counts > upper * expected)
    rejected = (exact_lower > expected) | (exact_upper < expected)
    assert rejected.any()
    assert (outside == rejected).all()


@pytest.mark.parametrize(("n", "share"), [(20, 0.3), (150, 0.05), (400, 0.5)])
def test_a_count_plots_outside_the_binomial_funnel_exactly_when_the_exact_test_rejects(n, share):
    counts = np.arange(0, n + 1)
    lower, upper = funnel_limits("binomial", np.full(n + 1, n), share, 0.05)
    exact_lower, exact_upper = binomial_limits(counts, np.full(n + 1, n), np.full(n + 1, 0.05))
    expected = n * share
    outside = (counts < lower * expected) | (counts > upper * expected)
    rejected = (exact_lower > share) | (exact_upper < share)
    assert rejected.any()
    assert (outside == rejected).all()


def test_the_funnel_narrows_as_the_expected_count_grows():
    sizes = np.array([5.0, 50.0, 500.0, 5000.0])
    lower, upper = funnel_limits("poisson", sizes, 1.0, 0.002)
    assert (np.diff(upper) < 0).all() and (np.diff(lower) > 0).all()
    assert (lower < 1).all() and (upper > 1).all()


def test_no_funnel_without_an_expected_count():
    lower, upper = funnel_limits("poisson", [0.0, np.nan], 1.0, 0.05)
    assert np.isnan(lower).all() and np.isnan(upper).all()
    lower, upper = funnel_limits("binomial", [100.0, 0.0], [0.0, 0.2], 0.05)
    assert np.isnan(lower).all() and np.isnan(upper).all()


def test_quantiles_of_the_overdispersion_test():
    assert normal_quantile([0.975])[0] == pytest.approx(1.959964, abs=1e-6)
    assert normal_quantile([0.999])[0] == pytest.approx(3.090232, abs=1e-6)
    # chi2(0.95; 9) = 16.919 and chi2(0.95; 31) = 44.985 in every table
    assert chi_squared_quantile([0.95, 0.95], [9, 31]) == pytest.approx([16.919, 44.985], abs=1e-3)
    assert np.isnan(chi_squared_quantile([0.95], [0])).all()
