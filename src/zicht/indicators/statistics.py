"""Exact confidence limits for comparing a region with Nederland.

- A count of events against a population (statistic `poisson`): the observed count O is Poisson with
  mean E x ratio, where E = denominator x national rate. The exact (Garwood) limits of the mean are
  chi2(a/2; 2O)/2 and chi2(1 - a/2; 2O + 2)/2; divided by E they bound the standardised ratio.
- A part of a whole (statistic `binomial`): k of n, exact Clopper-Pearson limits of the share,
  beta(a/2; k, n - k + 1) and beta(1 - a/2; k + 1, n - k); divided by the national share they bound the ratio.

Overdispersion (Spiegelhalter 2005, "Handling over-dispersion of performance indicators") is
estimated in SQL from z-scores (models/marts/indicators/indicator_values.sql); here are the quantiles it
needs and the funnel-plot limits of the exact tests.

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


def funnel_limits(distribution: str, size, national_rate, alpha) -> tuple[np.ndarray, np.ndarray]:
    """The (1 - alpha) control limits of a funnel plot on the ratio scale (1 = as Nederland).

    `distribution` is 'poisson' (size = the expected count; national_rate is not used) or 'binomial'
    (size = the denominator n, national_rate = the national share). Following Spiegelhalter (2005,
    "Funnel plots for comparing institutional performance", Stat Med 24:1185, appendix), the limit is
    the quantile r of the count under the national rate, interpolated between neighbouring counts so
    that the line is smooth, divided by the expected count:
    - lower: r = the alpha/2-quantile, limit r - (F(r) - alpha/2) / (F(r) - F(r - 1)), in (r - 1, r];
    - upper: r = the (1 - alpha/2)-quantile, limit r + 1 - (F(r) - (1 - alpha/2)) / (F(r) - F(r - 1)),
      in [r, r + 1). Spiegelhalter's upper limit lies one count lower; this one is shifted so that a
      region plots outside the line exactly when the exact test of `poisson_limits`/`binomial_limits`
      rejects (counts above r reject, r itself does not).
    """
    size, national_rate, alpha = _as_arrays(size, national_rate, alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        if distribution == "poisson":
            expected = size
            law = stats.poisson(np.where(expected > 0, expected, np.nan))
        elif distribution == "binomial":
            n = np.round(size)
            expected = n * national_rate
            valid = (n > 0) & (national_rate > 0) & (national_rate < 1)
            law = stats.binom(np.where(valid, n, 1), np.where(valid, national_rate, np.nan))
        else:
            raise ValueError(f"unknown distribution {distribution!r}")

        def interpolated_quantile(probability):
            quantile = law.ppf(probability)
            at_quantile, below_quantile = law.cdf(quantile), law.cdf(quantile - 1)
            step = np.where(at_quantile > below_quantile, at_quantile - below_quantile, np.nan)
            return quantile, np.nan_to_num((at_quantile - probability) / step)

        low_quantile, low_fraction = interpolated_quantile(alpha / 2)
        high_quantile, high_fraction = interpolated_quantile(1 - alpha / 2)
        lower = np.maximum(low_quantile - low_fraction, 0.0) / expected
        upper = (high_quantile + 1 - high_fraction) / expected
    invalid = ~(expected > 0) | ~(alpha > 0) | ~(alpha < 1)
    return np.where(invalid | ~np.isfinite(lower), np.nan, lower), np.where(
        invalid | ~np.isfinite(upper), np.nan, upper
    )


def normal_quantile(probability) -> np.ndarray:
    """The standard normal quantile (the z of a two-sided limit is normal_quantile(1 - alpha / 2))."""
    (probability,) = _as_arrays(probability)
    with np.errstate(invalid="ignore"):
        return stats.norm.ppf(probability)


def chi_squared_quantile(probability, degrees_of_freedom) -> np.ndarray:
    """The chi-squared quantile: the test of overdispersion compares I x phi with chi2(1 - alpha; I - 1)."""
    probability, degrees_of_freedom = _as_arrays(probability, degrees_of_freedom)
    with np.errstate(invalid="ignore"):
        quantile = stats.chi2.ppf(probability, degrees_of_freedom)
    return np.where(degrees_of_freedom > 0, quantile, np.nan)
