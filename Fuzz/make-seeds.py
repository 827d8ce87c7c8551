#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets into Fuzz/corpus/TARGET/ (run from anywhere; rewrites the seeds).

The seeds are small, hand-made inputs that reach the interesting paths of each parser quickly; the fuzzer
mutates them. Files are named after what they hold, so a failing replay says which one broke.
"""
import gzip
import io
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(target, name, data):
    folder = os.path.join(ROOT, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as handle:
        handle.write(data)


def member(text, name=None, level=6):
    """One gzip member, with a fixed time so that the seeds are reproducible."""
    out = io.BytesIO()
    with gzip.GzipFile(filename=name or "", mode="wb", fileobj=out, mtime=0, compresslevel=level) as stream:
        stream.write(text if isinstance(text, bytes) else text.encode("utf-8"))
    return out.getvalue()


TS = "2026-01-01T10:00:00.125Z"
JSONL = {
    "event-minimal": '{"event":"llm_call"}',
    "event-full": '{"event":"llm_call","start_ts":"2026-01-01T10:00:00Z","end_ts":"2026-01-01T10:00:01.5Z",'
    '"status":"ok","service":"bot","agent_id":"a1","agent_name":"Ann","agent_domain":"cmms","worker_id":"w7",'
    '"model":"m-large","provider":"p1","tool":"search","phase":"plan","route":"kb","prompt_tokens":120,'
    '"completion_tokens":30,"total_tokens":150,"cost_usd":0.0031,"trace_id":"t1","span_id":"s1",'
    '"parent_span_id":"s0","quality":0.9}',
    "event-ts-duration": '{"event":"tool_call","ts":"%s","duration_ms":12.5,"tool":"ssh_exec"}' % TS,
    "event-start-duration": '{"event":"stage","start_ts":"%s","duration_ms":1e3,"stage":"session"}' % TS,
    "event-error": '{"event":"job","success":false,"error":"boom\\nline two","duration_ms":0}',
    "event-status-words": '{"event":"job","status":"Cancelled","duration_ms":5}',
    "event-timeout": '{"event":"job","status":"timeout","error.type":"Timeout","duration_ms":60000}',
    "event-aliases": '{"event":"chat","gen_ai.request.model":"m1","gen_ai.provider.name":"p","gen_ai.tool.name":"t",'
    '"gen_ai.usage.input_tokens":3,"gen_ai.usage.output_tokens":4,"gen_ai.agent.id":"a9","gen_ai.agent.name":"n"}',
    "event-alias-and-name": '{"event":"chat","model":"m1","gen_ai.request.model":"m2"}',
    "event-escapes": '{"event":"q\\u00e9ry \\ud83d\\ude00","note":"tab\\tquote\\"slash\\/back\\\\","k\\u0065y":1}',
    "event-unicode": '{"event":"\u00e9v\u00e9nement","agent_id":"\u65e5\u672c","route":"\u0440\u0443"}',
    "event-numbers": '{"event":"n","a":-0,"b":1.5e-7,"c":12345678901234567890,"d":-9223372036854775808,'
    '"e":0.1E+2,"agent_id":42}',
    "event-nulls": '{"event":"n","ts":null,"duration_ms":null,"model":null,"status":null,"error":null}',
    "event-bools": '{"event":"n","cached":true,"retry":false,"success":true}',
    "event-duplicates": '{"event":"a","event":"b","model":"x","model":"y","z":1,"z":2}',
    "event-whitespace": ' { "event" : "spaced" , "duration_ms" : 7 }  \r',
    "event-nul-name": '{"event":"a\\u0000b","duration_ms":1}',
    "event-control-label": '{"event":"x","agent_id":"a\\nb"}',
    "event-del-key": '{"event":"x","k\x7fey":"v"}',
    "sample": '{"metric":"queue_depth","value":5,"ts":"%s","agent_id":"AGENT_54","up":true}' % TS,
    "sample-after-keys": '{"agent_id":"a1","value":0.5,"metric":"workload"}',
    "event-and-metric": '{"event":"x","metric":"y","value":1}',
    "bad-nested": '{"event":"x","attrs":{"a":1},"list":[1,2]}',
    "bad-truncated": '{"event":"llm_call","duration_ms":12',
    "bad-surrogate": '{"event":"\\ud800x"}',
    "bad-utf8": b'{"event":"\xc3\x28"}',
    "bad-duration": '{"event":"x","duration_ms":-1}',
    "bad-ts-order": '{"event":"x","start_ts":"2026-01-02T00:00:00Z","end_ts":"2026-01-01T00:00:00Z"}',
    "bad-ts-format": '{"event":"x","ts":"2026-13-45T25:61:61+99:99"}',
    "body-lines": '{"event":"a","duration_ms":1}\n\n{"metric":"m","value":2}\r\nnot json\n{"event":"b"}\n',
    "body-array": '[{"event":"a","duration_ms":1},{"event":"b","note":"a, b ] } \\" ["},\n {"metric":"m","value":1}]',
    "body-array-empty": "  [ ]  ",
    "body-array-open": '[{"event":"a"},',
    "body-array-trailing": '[{"event":"a"}] {"event":"b"}',
}

RULES = {
    "minimal": "rules:\n  - name: r\n    match: {event: x}\n    metric: count\n    thresholds: {critical: \"> 1\"}\n",
    "contract": """name: contracts
description: Latency and cost contracts.
rules:
  - name: latency
    description: p95 under 5 s.
    match: {event: llm_call, model: m1}
    by: [agent_id]
    metric: p95
    thresholds: {warn: "> 1s", medium: "> 2s", high: "> 3s", critical: "> 5s"}
    blocking: true
    require_data: true
    window: 5m
    for: 2m
    recommendation: Use a smaller model.
""",
    "gauge": "rules:\n  - name: mem\n    match: {gauge: memory_mb}\n    metric: max\n    thresholds: {critical: \"> 100MB\"}\n",
    "error-rate": "rules:\n  - name: errors\n    match: {event: job}\n    metric: error_rate\n"
    "    thresholds: {medium: \"> 5%\", high: \"> 10%\", critical: \"> 20%\"}\n",
    "distinct": "rules:\n  - name: types\n    match: {event: pattern}\n    metric: distinct:type\n"
    "    thresholds: {critical: \"!= 6\"}\n",
    "avg-attribute": "rules:\n  - name: quality\n    match: {event: pattern}\n    metric: avg:authenticity\n"
    "    thresholds: {critical: \"< 87%\"}\n",
    "sum-cost": "rules:\n  - name: spend\n    match: {event: llm_call}\n    metric: sum:cost_usd\n"
    "    thresholds: {critical: \">= 10\"}\n",
    "matchers": """rules:
  - name: matched
    match: {event: "~llm_.*", model: "~gpt-(4|5).*", agent_id: "!a1", tool: "a,b,c"}
    metric: max
    thresholds: {high: "> 250ms", critical: "> 1.5s"}
""",
    "rates": "rules:\n  - name: rate\n    match: {event: request}\n    metric: rate\n    window: 1h\n"
    "    thresholds: {critical: \"< 0.5\"}\n",
    "quantiles": "rules:\n  - {name: a, match: {event: x}, metric: p50, thresholds: {critical: \"> 10ms\"}}\n"
    "  - {name: b, match: {event: x}, metric: p99.9, thresholds: {critical: \"> 1m\"}}\n"
    "  - {name: c, match: {event: x}, metric: min, thresholds: {critical: \"<= 0us\"}}\n",
    "timeouts": "rules:\n  - name: t\n    match: {event: tool}\n    metric: timeout_rate\n"
    "    thresholds: {critical: \"> 1%\"}\n",
    "last": "rules:\n  - name: depth\n    match: {gauge: queue_depth}\n    by: [agent_id]\n    metric: last\n"
    "    thresholds: {medium: \"> 50\", high: \"> 75\", critical: \"> 100\"}\n",
    "anchors": """defaults: &d
  metric: max
  thresholds: {critical: "> 1s"}
rules:
  - <<: *d
    name: one
    match: {event: a}
  - <<: *d
    name: two
    match: {event: b}
""",
    "flow": '{"rules": [{"name": "f", "match": {"event": "x"}, "metric": "avg", "thresholds": {"critical": "> 2h"}}]}',
    "bad-metric": "rules:\n  - name: r\n    match: {event: x}\n    metric: p95x\n    thresholds: {critical: \"> 1\"}\n",
    "bad-threshold": "rules:\n  - name: r\n    match: {event: x}\n    metric: max\n    thresholds: {critical: \">> 1q\"}\n",
    "bad-unit-kind": "rules:\n  - name: r\n    match: {event: x}\n    metric: error_rate\n"
    "    thresholds: {critical: \"> 3s\"}\n",
    "bad-duplicate": "rules:\n  - {name: r, match: {event: x}, metric: count, thresholds: {critical: \"> 1\"}}\n"
    "  - {name: r, match: {event: y}, metric: count, thresholds: {critical: \"> 1\"}}\n",
    "bad-unknown-key": "rules:\n  - name: r\n    match: {event: x}\n    metrc: count\n",
    "bad-yaml": "rules:\n  - name: [unclosed\n    match: {event: x\n",
    "bad-not-list": "rules: 7\n",
    "bad-pattern": "rules:\n  - name: r\n    match: {event: x, model: \"~(a\"}\n    metric: count\n"
    "    thresholds: {critical: \"> 1\"}\n",
    "empty": "",
    "tabs-and-comments": "# comment\nrules: # trailing\n  - name: r # x\n    match: {event: x}\n    metric: count\n"
    "    thresholds: {critical: \"> 1\"}\n",
}

QUERIES = {
    "stats": "event=llm_call",
    "stats-by": "event=llm_call&by=agent_id,model&window=15m",
    "range": "event=x&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00.5%2B01:00",
    "extreme-range": "event=x&from=1677-09-22T00:00:00Z&to=2262-04-10T00:00:00Z&step=1m",
    "step": "event=x&step=5m&window=1d",
    "step-huge": "event=x&step=99999999999999w",
    "window-huge": "event=x&window=9999999999999999w",
    "labels": "event=x&label.model=m1&label.agent_id!=a2&label.tool=a,b,,c",
    "pattern": "event=x&label.model=~(a%2B)%2Bb",
    "pattern-classes": "event=x&label.route=~%5Ekb-%5B0-9%5D%7B2,3%7D(%5C.%5Cw%2B)%3F%24",
    "pattern-bad": "event=x&label.model=~(a",
    "events": "event=x&sort=-duration&status=error&limit=50",
    "limit-bad": "event=x&limit=0&limit=99999999999999999999",
    "quantiles": "event=x&quantiles=0,0.5,0.999,1",
    "quantiles-bad": "event=x&quantiles=nan,inf,-0,1e309",
    "metric": "metric=queue_depth&window=1h&format=json",
    "both-subjects": "event=x&metric=y",
    "unknown": "event=x&foo=bar",
    "percent": "event=%E6%97%A5%00%ZZ&label.k%2E=v%",
    "empty": "",
    "window-and-from": "event=x&window=1h&from=2026-01-01T00:00:00Z",
    "reverse-range": "event=x&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z",
    "durations": "event=x&window=1h30m&step=90s",
    "by-bad": "event=x&by=,&by=a b",
}

LINES = "\n".join(
    '{"event":"llm_call","ts":"2026-01-01T10:00:%02dZ","duration_ms":%d,"agent_id":"a%d"}' % (i, i * 7, i % 3)
    for i in range(20)
)


def gzip_seeds():
    one = member(LINES)
    two = member(LINES[:300]) + member(LINES[300:])
    seeds = {
        "single": one,
        "two-members": two,
        "three-with-empty": member("") + member("{}") + member(LINES[:100]),
        "with-name": member(LINES[:200], name="batch.jsonl"),
        "stored": member(LINES[:200], level=0),
        "best": member(LINES, level=9),
        "truncated-data": one[: len(one) // 2],
        "truncated-trailer": one[:-3],
        "truncated-header": one[:6],
        "second-truncated": member(LINES[:50]) + member(LINES[50:])[:-8],
        "trailing-zeros": one + b"\0\0\0\0",
        "trailing-garbage": one + b"garbage",
        "bad-crc": one[:-8] + bytes([one[-8] ^ 1]) + one[-7:],
        "bad-size": one[:-4] + b"\0\0\0\0",
        "not-gzip": b"plain text, not gzip",
        "zlib-not-gzip": b"\x78\x9c\x4b\x04\x00\x00\x62\x00\x62",
        "bomb": member(b"\0" * 300000, level=9),
        "empty": b"",
    }
    for name, data in seeds.items():
        write("gzip", "decode-" + name, b"\x01" + data)
    # Even first byte: the rest is split at 0xFF into members that must round-trip; the first byte's upper bits
    # choose where a copy is cut short.
    write("gzip", "roundtrip-one", b"\x40" + LINES[:200].encode())
    write("gzip", "roundtrip-three", b"\x20" + LINES[:100].encode() + b"\xff" + LINES[100:150].encode() + b"\xff")
    write("gzip", "roundtrip-empty-pieces", b"\x7e\xff\xff\xff")
    write("gzip", "roundtrip-binary", bytes([0x10]) + bytes(range(0, 255)) * 3)


def varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def field(number, data):
    """A length-delimited protobuf field."""
    data = data.encode("utf-8") if isinstance(data, str) else data
    return varint(number << 3 | 2) + varint(len(data)) + data


def number(number_, value):
    return varint(number_ << 3) + varint(value)


def fixed64(number_, value):
    return varint(number_ << 3 | 1) + value.to_bytes(8, "little")


def attribute(key, value):
    if isinstance(value, bool):
        any_value = number(2, int(value))
    elif isinstance(value, int):
        any_value = number(3, value & (1 << 64) - 1)
    elif isinstance(value, float):
        import struct
        any_value = varint(4 << 3 | 1) + struct.pack("<d", value)
    elif isinstance(value, list):
        any_value = field(5, b"".join(field(1, field(1, item)) for item in value))
    else:
        any_value = field(1, value)
    return field(1, key) + field(2, any_value)


def span(name, attributes, span_id=1, status=None, trace=b"\xab" * 16, start=1767261600000000000):
    out = field(1, trace) + field(2, span_id.to_bytes(8, "big")) + field(5, name) + number(6, 3)
    out += fixed64(7, start) + fixed64(8, start + 250000000)
    for key, value in attributes:
        out += field(9, attribute(key, value))
    if status:
        out += field(15, field(2, status) + number(3, 2))
    return out


def request(spans, service="bot"):
    resource = field(1, attribute("service.name", service))
    scope = field(1, field(1, "seed")) + b"".join(field(2, item) for item in spans)
    return field(1, field(1, resource) + field(2, scope))


CHAT = [("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "m1"), ("gen_ai.provider.name", "p1"),
        ("gen_ai.usage.input_tokens", 120), ("gen_ai.usage.output_tokens", 30)]
OTLP_JSON_SPAN = ('{"traceId":"abababababababababababababababab","spanId":"0102030405060708","name":"chat m1",'
                  '"startTimeUnixNano":"1767261600000000000","endTimeUnixNano":1767261600250000000,'
                  '"attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},'
                  '{"key":"gen_ai.usage.input_tokens","value":{"intValue":"12"}},'
                  '{"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"doubleValue":1.5}]}}}],'
                  '"status":{"code":2,"message":"boom"}}')


def otlp_seeds():
    good = request([
        span("chat m1", CHAT, 1),
        span("execute_tool search", [("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "search")], 2),
        span("invoke_agent planner", [("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "p")], 3),
        span("chat m1", CHAT, 4, status="rate limited"),
        span("route_query", [("route", "kb"), ("ok", True), ("score", 0.5), ("tags", ["a", "b"])], 5),
    ])
    seeds = {
        "mixed": good,
        "truncated": good[: len(good) // 2],
        "short-trace-id": request([span("x", [], trace=b"\x01\x02")]),
        "zero-span-id": request([span("x", [], span_id=0)]),
        "bad-utf8-name": request([span(b"\xff\xfe", [])]),
        "no-start": request([span("x", [], start=0)]),
        "huge-length": b"\x0a\x80\x80\x80\x80\x80\x80\x80\x80\x40",
        "long-varint": b"\x08" + b"\xff" * 10 + b"\x01",
        "group": b"\x0b\x0c",
        "empty": b"",
    }
    for name, data in seeds.items():
        write("otlp", "protobuf-" + name, b"\x01" + data)
    json_seeds = {
        "span": '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bot"}}]},'
        '"scopeSpans":[{"spans":[%s]}]}]}' % OTLP_JSON_SPAN,
        "snake": '{"resource_spans":[{"scope_spans":[{"spans":[%s]}]}]}' % OTLP_JSON_SPAN.replace("traceId", "trace_id"),
        "not-object": "[1,2]",
        "deep": "[" * 100,
        "empty-span": '{"resourceSpans":[{"scopeSpans":[{"spans":[{}]}]}]}',
    }
    for name, text in json_seeds.items():
        write("otlp", "json-" + name, b"\x00" + text.encode())


def main():
    for name, text in JSONL.items():
        write("jsonl", name, text)
    for name, text in RULES.items():
        write("rules", name, text)
    for name, text in QUERIES.items():
        write("query", name, text)
    gzip_seeds()
    otlp_seeds()


if __name__ == "__main__":
    main()
