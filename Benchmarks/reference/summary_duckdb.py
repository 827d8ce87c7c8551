#!/usr/bin/env python3
"""Reference for the `vitals summary` benchmark: DuckDB reading the JSONL file with `read_json` (only the two
columns it needs, declared, so that it skips schema inference) and computing per event the count, sum, min, max
and the nearest-rank p50, p95 and p99 of duration_ms with `quantile_disc`, on 2 threads.

Usage: summary_duckdb.py FILE (needs `pip install duckdb`, e.g. in a virtual environment)."""
import sys

import duckdb


def main(path):
    connection = duckdb.connect()
    connection.execute("SET threads TO 2")
    rows = connection.execute(
        """
        SELECT event, count(*), sum(duration_ms), min(duration_ms), max(duration_ms),
               quantile_disc(duration_ms, 0.5), quantile_disc(duration_ms, 0.95), quantile_disc(duration_ms, 0.99)
        FROM read_json(?, format = 'newline_delimited', ignore_errors = true,
                       columns = {'event': 'VARCHAR', 'duration_ms': 'DOUBLE'})
        WHERE event IS NOT NULL AND duration_ms IS NOT NULL
        GROUP BY event ORDER BY event
        """,
        [path],
    ).fetchall()
    for name, count, total, low, high, p50, p95, p99 in rows:
        print(f"{name} count={count} sum={total:.3f} min={low} max={high} p50={p50} p95={p95} p99={p99}")


if __name__ == "__main__":
    main(sys.argv[1])
