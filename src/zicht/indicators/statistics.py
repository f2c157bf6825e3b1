"""Exact confidence limits for comparing a region with Nederland.

- A count of events against a population (statistic `poisson`): the observed count O is Poisson with
  mean E x ratio, where E = denominator x national rate. The exact (Garwood) limits of the mean are
  chi2(a/2; 2O)/2 and chi2(1 - a/2; 2O + 2)/2; divided by E they bound the standardised ratio.
- A part of a whole (statistic `binomial`): k of n, exact Clopper-Pearson limits of the share,
  beta(a/2; k, n - k + 1) and beta(1 - a/2; k + 1, n - k); divided by the national share they bound the ratio.

Vectorised over numpy arrays (dbt registers them as DuckDB functions); NaN where undefined.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def _as_arrays(*values):
    return [np.asarray(v, dtype=float) for v in values]


def poisson_limits(observed, alpha) -> tuple[np.ndarray, np.ndarray]:
    """Exact two-sided (1 - alpha) limits of a Poisson mean, given the observed count."""
    observed, alpha = _as_arrays(observed, alpha)
    with np.errstate(invalid="ignore"):
        lower = np.where(observed > 0, stats.chi2.ppf(alpha / 2, 2 * observed) / 2, 0.0)
        upper = stats.chi2.ppf(1 - alpha / 2, 2 * observed + 2) / 2
    invalid = ~np.isfinite(observed) | (observed < 0)
    return np.where(invalid, np.nan, lower), np.where(invalid, np.nan, upper)


def binomial_limits(successes, trials, alpha) -> tuple[np.ndarray, np.ndarray]:
    """Exact two-sided (1 - alpha) Clopper-Pearson limits of a proportion."""
    k, n, alpha = _as_arrays(successes, trials, alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = np.where(k > 0, stats.beta.ppf(alpha / 2, k, n - k + 1), 0.0)
        upper = np.where(k < n, stats.beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    invalid = ~np.isfinite(k) | ~np.isfinite(n) | (n <= 0) | (k < 0) | (k > n)
    return np.where(invalid, np.nan, lower), np.where(invalid, np.nan, upper)
