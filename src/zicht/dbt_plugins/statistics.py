"""Exact interval functions for dbt models (zicht.indicators.statistics), vectorised over Arrow.

poisson_lower(observed, alpha), poisson_upper(observed, alpha): limits of a Poisson mean.
binomial_lower(k, n, alpha), binomial_upper(k, n, alpha): Clopper-Pearson limits of a proportion.
poisson_funnel_lower/upper(expected, alpha), binomial_funnel_lower/upper(n, share, alpha): funnel-plot
  limits of the ratio.
normal_quantile(p), chi_squared_quantile(p, df): quantiles for the overdispersion adjustment.
"""

from __future__ import annotations

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


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        functions = {
            "poisson_lower": (lambda o, a: _arrow(poisson_lower(_numpy(o), _numpy(a))), 2),
            "poisson_upper": (lambda o, a: _arrow(poisson_upper(_numpy(o), _numpy(a))), 2),
            "binomial_lower": (lambda k, n, a: _arrow(binomial_lower(_numpy(k), _numpy(n), _numpy(a))), 3),
            "binomial_upper": (lambda k, n, a: _arrow(binomial_upper(_numpy(k), _numpy(n), _numpy(a))), 3),
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
            "chi_squared_quantile": (
                lambda p, df: _arrow(chi_squared_quantile(_numpy(p), _numpy(df))),
                2,
            ),
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
