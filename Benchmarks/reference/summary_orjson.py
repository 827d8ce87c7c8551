#!/usr/bin/env python3
"""Reference for the `vitals summary` benchmark: the exact per-event count, sum, min, max, p50, p95 and p99
of duration_ms over a JSONL file, computed the way a Python user would (orjson, a list per event, sort).
Quantiles use the nearest-rank definition, as Vitals does."""
import math
import sys
from collections import defaultdict

import orjson


def main(paths):
    durations = defaultdict(list)
    rejected = 0
    for path in paths:
        with open(path, "rb") as handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError:
                    rejected += 1
                    continue
                name = record.get("event")
                duration = record.get("duration_ms")
                if not isinstance(name, str) or not isinstance(duration, (int, float)):
                    rejected += 1
                    continue
                durations[name].append(float(duration))
    for name in sorted(durations):
        values = durations[name]
        values.sort()
        count = len(values)

        def rank(q):
            return values[max(0, math.ceil(q * count) - 1)]

        print(f"{name} count={count} sum={sum(values):.3f} min={values[0]} max={values[-1]} "
              f"p50={rank(0.5)} p95={rank(0.95)} p99={rank(0.99)}")
    print(f"rejected={rejected}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
