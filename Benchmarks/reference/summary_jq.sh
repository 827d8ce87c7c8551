#!/usr/bin/env bash
# Reference for the `vitals summary` benchmark: per-event count, average and maximum of duration_ms with
# Debian's jq, streaming (`reduce inputs`), the usual jq recipe for a metrics.jsonl.
exec jq -n -c 'reduce inputs as $e ({};
    .[$e.event] |= (.count += 1 | .sum += ($e.duration_ms // 0)
                    | .max = ([(.max // 0), ($e.duration_ms // 0)] | max)))
  | to_entries | map({event: .key, count: .value.count, avg: (.value.sum / .value.count), max: .value.max})' "$@"
