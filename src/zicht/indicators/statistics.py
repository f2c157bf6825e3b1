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
from scipy import special


def _as_arrays(*values):
    return [np.asarray(v, dtype=float) for v in values]


def poisson_lower(observed, alpha) -> np.ndarray:
    """Exact lower (1 - alpha) limit of a Poisson mean: chi2(a/2; 2O)/2, the inverse regularised gamma."""
    observed, alpha = _as_arrays(observed, alpha)
    with np.errstate(invalid="ignore"):
        lower = np.where(observed > 0, special.gammaincinv(np.maximum(observed, 1e-300), alpha / 2), 0.0)
    return np.where(_invalid_count(observed), np.nan, lower)


def poisson_upper(observed, alpha) -> np.ndarray:
    """Exact upper (1 - alpha) limit of a Poisson mean: chi2(1 - a/2; 2O + 2)/2."""
    observed, alpha = _as_arrays(observed, alpha)
    with np.errstate(invalid="ignore"):
        upper = special.gammaincinv(observed + 1, 1 - alpha / 2)
    return np.where(_invalid_count(observed), np.nan, upper)


def poisson_limits(observed, alpha) -> tuple[np.ndarray, np.ndarray]:
    """Exact two-sided (1 - alpha) limits of a Poisson mean, given the observed count."""
    return poisson_lower(observed, alpha), poisson_upper(observed, alpha)


def _invalid_count(observed: np.ndarray) -> np.ndarray:
    return ~np.isfinite(observed) | (observed < 0)


def _invalid_share(k: np.ndarray, n: np.ndarray) -> np.ndarray:
    return ~np.isfinite(k) | ~np.isfinite(n) | (n <= 0) | (k < 0) | (k > n)


def binomial_lower(successes, trials, alpha) -> np.ndarray:
    """Exact lower (1 - alpha) Clopper-Pearson limit of a proportion: beta(a/2; k, n - k + 1)."""
    k, n, alpha = _as_arrays(successes, trials, alpha)
    invalid = _invalid_share(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        a, b = np.where(k > 0, k, 1.0), np.where(invalid, 1.0, n - k + 1)
        lower = np.where(k > 0, special.betaincinv(a, b, alpha / 2), 0.0)
    return np.where(invalid, np.nan, lower)


def binomial_upper(successes, trials, alpha) -> np.ndarray:
    """Exact upper (1 - alpha) Clopper-Pearson limit of a proportion: beta(1 - a/2; k + 1, n - k)."""
    k, n, alpha = _as_arrays(successes, trials, alpha)
    invalid = _invalid_share(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        a, b = np.where(invalid, 1.0, k + 1), np.where(k < n, n - k, 1.0)
        upper = np.where(k < n, special.betaincinv(a, b, 1 - alpha / 2), 1.0)
    return np.where(invalid, np.nan, upper)


def binomial_limits(successes, trials, alpha) -> tuple[np.ndarray, np.ndarray]:
    """Exact two-sided (1 - alpha) Clopper-Pearson limits of a proportion."""
    return binomial_lower(successes, trials, alpha), binomial_upper(successes, trials, alpha)


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
    return (
        funnel_limit("lower", distribution, size, national_rate, alpha),
        funnel_limit("upper", distribution, size, national_rate, alpha),
    )


def funnel_limit(side: str, distribution: str, size, national_rate, alpha) -> np.ndarray:
    """One side ('lower' or 'upper') of `funnel_limits`."""
    size, national_rate, alpha = _as_arrays(size, national_rate, alpha)
    if side not in ("lower", "upper"):
        raise ValueError(f"unknown side {side!r}")
    with np.errstate(invalid="ignore", divide="ignore"):
        if distribution == "poisson":
            expected = np.where(size > 0, size, np.nan)

            def cdf(count):
                return special.pdtr(count, expected)

            spread, top = np.sqrt(expected), np.full_like(expected, np.inf)
        elif distribution == "binomial":
            n = np.round(size)
            valid = (n > 0) & (national_rate > 0) & (national_rate < 1)
            n, share = np.where(valid, n, np.nan), np.where(valid, national_rate, np.nan)
            expected = n * share

            trials = np.nan_to_num(n).astype(np.int64)  # scipy's bdtr takes integer counts

            def cdf(count):
                return special.bdtr(np.minimum(count, trials).astype(np.int64), trials, share)

            spread, top = np.sqrt(expected * (1 - share)), n
        else:
            raise ValueError(f"unknown distribution {distribution!r}")
        probability = alpha / 2 if side == "lower" else 1 - alpha / 2
        quantile, at_quantile, below_quantile = _discrete_quantile(cdf, probability, expected, spread, top)
        step = np.where(at_quantile > below_quantile, at_quantile - below_quantile, np.nan)
        fraction = np.nan_to_num((at_quantile - probability) / step)
        if side == "lower":
            limit = np.maximum(quantile - fraction, 0.0) / expected
        else:
            limit = (quantile + 1 - fraction) / expected
    invalid = ~(expected > 0) | ~(alpha > 0) | ~(alpha < 1) | ~np.isfinite(limit)
    return np.where(invalid, np.nan, limit)


def _discrete_quantile(cdf, probability, mean, spread, top, max_steps: int = 200):
    """The smallest count r with cdf(r) >= probability, and cdf(r), cdf(r - 1).

    Searched from the normal approximation one count at a time (it is rarely more than two off):
    the distribution functions are cheap where the inverse ones (scipy's ppf) are not.
    """
    z = normal_quantile(probability)
    start = np.floor(mean + z * spread)
    quantile = np.clip(np.nan_to_num(start), 0, np.nan_to_num(top, posinf=np.inf))
    at = cdf(quantile)
    for _ in range(max_steps):  # up while the count is still below the probability
        low = (at < probability) & (quantile < top)
        if not low.any():
            break
        quantile = np.where(low, quantile + 1, quantile)
        at = np.where(low, cdf(quantile), at)
    below = np.where(quantile > 0, cdf(quantile - 1), 0.0)
    for _ in range(max_steps):  # down while the count below already reaches it
        high = (quantile > 0) & (below >= probability)
        if not high.any():
            break
        quantile = np.where(high, quantile - 1, quantile)
        at = np.where(high, below, at)
        below = np.where(high, np.where(quantile > 0, cdf(quantile - 1), 0.0), below)
    return quantile, at, below


def normal_quantile(probability) -> np.ndarray:
    """The standard normal quantile (the z of a two-sided limit is normal_quantile(1 - alpha / 2))."""
    (probability,) = _as_arrays(probability)
    with np.errstate(invalid="ignore"):
        return special.ndtri(probability)


def chi_squared_quantile(probability, degrees_of_freedom) -> np.ndarray:
    """The chi-squared quantile: the test of overdispersion compares I x phi with chi2(1 - alpha; I - 1)."""
    probability, degrees_of_freedom = _as_arrays(probability, degrees_of_freedom)
    with np.errstate(invalid="ignore"):
        # chi2(p; k) = 2 x the inverse regularised lower incomplete gamma of (k / 2, p); scipy.special
        # alone: importing scipy.stats would add seconds to the start of every dbt run.
        quantile = 2 * special.gammaincinv(degrees_of_freedom / 2, probability)
    return np.where(degrees_of_freedom > 0, quantile, np.nan)
