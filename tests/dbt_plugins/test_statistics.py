import duckdb
import numpy as np
import pytest

from zicht.dbt_plugins.statistics import Plugin
from zicht.indicators.statistics import binomial_limits, poisson_limits


@pytest.fixture
def conn():
    connection = duckdb.connect()
    Plugin("statistics", {}).configure_connection(connection)
    yield connection
    connection.close()


def test_the_sql_limits_equal_the_numpy_limits_row_by_row(conn):
    # 5000 rows span several DuckDB vectors; counts repeat, as they do across buurten
    conn.execute("""
        create table counts as
        select (i % 37)::double as k, (i % 37 + i % 101)::double as n from range(5000) t(i)
        union all select null, 10 union all select 3, null union all select -1, 5
    """)
    k, n, lower, upper, b_lower, b_upper = (
        np.array(column, dtype=float)
        for column in zip(
            *conn.execute("""
                select k, n, poisson_lower(k, 0.05), poisson_upper(k, 0.05),
                       binomial_lower(k, n, 0.05), binomial_upper(k, n, 0.05)
                from counts
            """).fetchall(),
            strict=True,
        )
    )
    expected_lower, expected_upper = poisson_limits(k, np.full(len(k), 0.05))
    np.testing.assert_array_equal(lower, expected_lower)
    np.testing.assert_array_equal(upper, expected_upper)
    expected_b_lower, expected_b_upper = binomial_limits(k, n, np.full(len(k), 0.05))
    np.testing.assert_array_equal(b_lower, expected_b_lower)
    np.testing.assert_array_equal(b_upper, expected_b_upper)
    assert np.isnan(lower[-3]) and np.isnan(b_lower[-2]) and np.isnan(b_upper[-1])


def test_rows_that_share_a_count_but_not_alpha_get_their_own_limits(conn):
    # The limits are computed once per distinct row of arguments: every argument must be in the key.
    rows = conn.execute("""
        select k, alpha, poisson_lower(k, alpha), binomial_upper(k, k + 5, alpha)
        from (select (i % 7)::double as k, case when i % 3 = 0 then 0.01 else 0.05 end as alpha
              from range(3000) t(i))
    """).fetchall()
    k, alpha, lower, upper = (np.array(column, dtype=float) for column in zip(*rows, strict=True))
    assert len(set(zip(k, alpha, strict=True))) == 14
    np.testing.assert_array_equal(lower, poisson_limits(k, alpha)[0])
    np.testing.assert_array_equal(upper, binomial_limits(k, k + 5, alpha)[1])
