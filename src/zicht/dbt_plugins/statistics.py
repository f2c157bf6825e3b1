"""Exact interval functions for dbt models (zicht.indicators.statistics), vectorised over Arrow.

poisson_lower(observed, alpha), poisson_upper(observed, alpha): limits of a Poisson mean.
binomial_lower(k, n, alpha), binomial_upper(k, n, alpha): Clopper-Pearson limits of a proportion.
poisson_funnel_lower/upper(expected, alpha), binomial_funnel_lower/upper(n, share, alpha): funnel-plot
  limits of the ratio.
normal_quantile(p), chi_squared_quantile(p, df): quantiles for the overdispersion adjustment.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.sqltypes import DOUBLE

from zicht.indicators.statistics import (
    binomial_lower,
    binomial_upper,
    chi_squared_quantile,
    funnel_limit,
    normal_quantile,
    poisson_lower,
    poisson_upper,
)


def _numpy(array: pa.Array) -> np.ndarray:
    return array.to_numpy(zero_copy_only=False).astype(float)


def _arrow(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.float64(), from_pandas=True)  # NaN becomes NULL


def _per_distinct(function: Callable[..., np.ndarray], arity: int) -> Callable[..., pa.Array]:
    """`function` over DuckDB's Arrow arguments, evaluated once per distinct row of arguments: the
    exact limits are the dear part of indicator_values, and counts repeat (small regions share them,
    alpha is one value)."""

    def evaluate(arrays: tuple[pa.Array, ...]) -> pa.Array:
        columns = [_numpy(array) for array in arrays]
        # One integer key per row from each column's rank among its distinct values: sorting one
        # integer column is far cheaper than numpy's row-wise unique.
        key = np.zeros(len(columns[0]), dtype=np.int64)
        for column in columns:
            values, rank = np.unique(column, return_inverse=True)
            key = key * len(values) + rank.reshape(-1)
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        result = np.asarray(function(*(column[first] for column in columns)), dtype=float)
        return _arrow(result[inverse.reshape(-1)])

    # DuckDB reads the number of arguments from the signature, so it has to be spelled out.
    return {
        1: lambda a: evaluate((a,)),
        2: lambda a, b: evaluate((a, b)),
        3: lambda a, b, c: evaluate((a, b, c)),
    }[arity]


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        # The exact limits are evaluated per distinct argument row (counts repeat); the funnel
        # limits take an expected count, which hardly ever does.
        functions = {
            "poisson_lower": (_per_distinct(poisson_lower, 2), 2),
            "poisson_upper": (_per_distinct(poisson_upper, 2), 2),
            "binomial_lower": (_per_distinct(binomial_lower, 3), 3),
            "binomial_upper": (_per_distinct(binomial_upper, 3), 3),
            "poisson_funnel_lower": (
                lambda e, a: _arrow(funnel_limit("lower", "poisson", _numpy(e), 1.0, _numpy(a))),
                2,
            ),
            "poisson_funnel_upper": (
                lambda e, a: _arrow(funnel_limit("upper", "poisson", _numpy(e), 1.0, _numpy(a))),
                2,
            ),
            "binomial_funnel_lower": (
                lambda n, share, a: _arrow(
                    funnel_limit("lower", "binomial", _numpy(n), _numpy(share), _numpy(a))
                ),
                3,
            ),
            "binomial_funnel_upper": (
                lambda n, share, a: _arrow(
                    funnel_limit("upper", "binomial", _numpy(n), _numpy(share), _numpy(a))
                ),
                3,
            ),
            "normal_quantile": (lambda p: _arrow(normal_quantile(_numpy(p))), 1),
            "chi_squared_quantile": (lambda p, df: _arrow(chi_squared_quantile(_numpy(p), _numpy(df))), 2),
        }
        for name, (function, arity) in functions.items():
            conn.create_function(
                name,
                function,
                [DOUBLE] * arity,
                DOUBLE,
                type="arrow",
                null_handling="special",
                side_effects=False,
            )
