#!/usr/bin/env python3
"""Sends OpenTelemetry GenAI spans to `vitals serve` with the OpenTelemetry Python SDK, as an agent would.

Usage: otlp-genai-spans.py BASE_URL

Two batches of the same spans (two chat calls, a tool call, an agent call, a failed chat call):
- service `otlp-proto`: through the SDK's OTLP/HTTP protobuf exporter, gzip-compressed, to BASE_URL/v1/traces;
- service `otlp-json`: the SDK's own encoding of the spans, written as OTLP/JSON (hex ids) and posted by hand,
  since the SDK has no JSON exporter.

Exits 0 when both exports were accepted, 1 otherwise (the reason on stderr). Needs opentelemetry-sdk and
opentelemetry-exporter-otlp-proto-http (scripts/test installs them in a virtual environment).
"""

import base64
import json
import sys
import urllib.request

from google.protobuf.json_format import MessageToDict
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode


class CheckedExporter(OTLPSpanExporter):
    """The protobuf exporter, remembering whether each export succeeded."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.results = []

    def export(self, spans):
        result = super().export(spans)
        self.results.append(result)
        return result


def record_spans(provider):
    tracer = provider.get_tracer("vitals-otlp-test")
    with tracer.start_as_current_span("invoke_agent planner") as agent:
        agent.set_attribute("gen_ai.operation.name", "invoke_agent")
        agent.set_attribute("gen_ai.agent.name", "planner")
        for prompt, completion in ((100, 20), (300, 40)):
            with tracer.start_as_current_span("chat gpt-4o-mini") as chat:
                chat.set_attribute("gen_ai.operation.name", "chat")
                chat.set_attribute("gen_ai.request.model", "gpt-4o-mini")
                chat.set_attribute("gen_ai.provider.name", "openai")
                chat.set_attribute("gen_ai.usage.input_tokens", prompt)
                chat.set_attribute("gen_ai.usage.output_tokens", completion)
        with tracer.start_as_current_span("execute_tool web_search") as tool:
            tool.set_attribute("gen_ai.operation.name", "execute_tool")
            tool.set_attribute("gen_ai.tool.name", "web_search")
        with tracer.start_as_current_span("chat gpt-4o-mini") as failed:
            failed.set_attribute("gen_ai.operation.name", "chat")
            failed.set_attribute("gen_ai.request.model", "gpt-4o-mini")
            failed.set_attribute("gen_ai.provider.name", "openai")
            failed.set_attribute("error.type", "RateLimitError")
            failed.set_status(Status(StatusCode.ERROR, "rate limited by the provider"))


def hex_ids(node):
    """OTLP/JSON writes trace and span ids in hex where the protobuf JSON mapping writes base64."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("traceId", "spanId", "parentSpanId") and isinstance(value, str):
                node[key] = base64.b64decode(value).hex()
            else:
                hex_ids(value)
    elif isinstance(node, list):
        for value in node:
            hex_ids(value)


def main():
    base = sys.argv[1].rstrip("/")

    exporter = CheckedExporter(endpoint=base + "/v1/traces", compression=Compression.Gzip, timeout=30)
    provider = TracerProvider(resource=Resource.create({"service.name": "otlp-proto"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    record_spans(provider)
    provider.shutdown()
    if len(exporter.results) != 5 or any(result != SpanExportResult.SUCCESS for result in exporter.results):
        print(f"protobuf export failed: {exporter.results}", file=sys.stderr)
        return 1

    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "otlp-json"}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    record_spans(provider)
    provider.shutdown()
    document = MessageToDict(encode_spans(memory.get_finished_spans()))
    hex_ids(document)
    request = urllib.request.Request(
        base + "/v1/traces",
        data=json.dumps(document).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read() or b"{}")
        if response.status != 200 or answer.get("partialSuccess"):
            print(f"JSON export answered {response.status}: {answer}", file=sys.stderr)
            return 1
    print("exported 5 spans as protobuf and 5 as JSON")
    return 0


if __name__ == "__main__":
    sys.exit(main())
