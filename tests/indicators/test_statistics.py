"""Exact intervals against published table values, and their coverage computed exactly (no sampling)."""

import numpy as np
import pytest
from scipy import stats

from zicht.indicators.statistics import binomial_limits, poisson_limits


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
