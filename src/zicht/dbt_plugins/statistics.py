"""Exact interval functions for dbt models (zicht.indicators.statistics), vectorised over Arrow.

poisson_lower(observed, alpha), poisson_upper(observed, alpha): limits of a Poisson mean.
binomial_lower(k, n, alpha), binomial_upper(k, n, alpha): Clopper-Pearson limits of a proportion.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.sqltypes import DOUBLE

from zicht.indicators.statistics import binomial_limits, poisson_limits


def _numpy(array: pa.Array) -> np.ndarray:
    return array.to_numpy(zero_copy_only=False).astype(float)


def _arrow(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.float64(), from_pandas=True)  # NaN becomes NULL


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        functions = {
            "poisson_lower": (lambda o, a: _arrow(poisson_limits(_numpy(o), _numpy(a))[0]), 2),
            "poisson_upper": (lambda o, a: _arrow(poisson_limits(_numpy(o), _numpy(a))[1]), 2),
            "binomial_lower": (
                lambda k, n, a: _arrow(binomial_limits(_numpy(k), _numpy(n), _numpy(a))[0]),
                3,
            ),
            "binomial_upper": (
                lambda k, n, a: _arrow(binomial_limits(_numpy(k), _numpy(n), _numpy(a))[1]),
                3,
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
