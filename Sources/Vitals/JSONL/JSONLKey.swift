#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a key of a JSONL line means, recognised straight from its bytes.
///
/// The enum has no payload, so passing it around costs nothing; the names it stands for are string literals,
/// which cost no allocation either. A typical line therefore builds `String`s only for its values and for
/// user-defined keys longer than 15 bytes.
enum JSONLKey: UInt8 {
    // Reserved keys.
    case event, metric, value, startTimestamp, endTimestamp, timestamp, durationMilliseconds
    case success, status, error, traceID, spanID, parentSpanID
    /// `error.type`: fills `error` when `error` is absent.
    case errorAlias
    // Identity labels, and the OpenTelemetry aliases of two of them.
    case service, agentID, agentName, agentDomain, workerID
    case agentIDAlias, agentNameAlias
    // Conventional attributes, and the OpenTelemetry aliases of five of them.
    case model, provider, tool, phase, promptTokens, completionTokens, cachedTokens, totalTokens
    case costUSD, route, confidence, memoryMB, quality, stage, tier
    case modelAlias, providerAlias, toolAlias, promptTokensAlias, completionTokensAlias
    /// Any other key; the decoder builds its name from the bytes.
    case other

    /// How an event line uses the key.
    enum Role {
        case reserved, identity, attribute, other
    }

    var role: Role {
        switch self {
        case .service, .agentID, .agentName, .agentDomain, .workerID, .agentIDAlias, .agentNameAlias:
            return .identity
        case .model, .provider, .tool, .phase, .promptTokens, .completionTokens, .cachedTokens, .totalTokens,
            .costUSD, .route, .confidence, .memoryMB, .quality, .stage, .tier, .modelAlias, .providerAlias,
            .toolAlias, .promptTokensAlias, .completionTokensAlias:
            return .attribute
        case .other:
            return .other
        default:
            return .reserved
        }
    }

    /// Whether the key is an OpenTelemetry alias of a conventional name.
    var isAlias: Bool {
        switch self {
        case .errorAlias, .agentIDAlias, .agentNameAlias, .modelAlias, .providerAlias, .toolAlias,
            .promptTokensAlias, .completionTokensAlias:
            return true
        default:
            return false
        }
    }

    /// The conventional names that have an alias, as bits, so that a decoder can remember which ones it has
    /// seen under their own name (those win over the alias). 0 for keys without an alias.
    var aliasGroup: UInt8 {
        switch self {
        case .model, .modelAlias: return 1 << 0
        case .provider, .providerAlias: return 1 << 1
        case .tool, .toolAlias: return 1 << 2
        case .promptTokens, .promptTokensAlias: return 1 << 3
        case .completionTokens, .completionTokensAlias: return 1 << 4
        case .agentID, .agentIDAlias: return 1 << 5
        case .agentName, .agentNameAlias: return 1 << 6
        default: return 0
        }
    }

    /// The conventional key an alias stands for; other keys are their own.
    var conventional: JSONLKey {
        switch self {
        case .errorAlias: return .error
        case .agentIDAlias: return .agentID
        case .agentNameAlias: return .agentName
        case .modelAlias: return .model
        case .providerAlias: return .provider
        case .toolAlias: return .tool
        case .promptTokensAlias: return .promptTokens
        case .completionTokensAlias: return .completionTokens
        default: return self
        }
    }

    /// The conventional name the key stands for (aliases give the name they alias); empty for ``other``.
    /// Inlined: it runs for every known key of every line, and a call costs more than the lookup.
    var name: String {
        @inline(__always) get {
            switch self {
            case .event: return "event"
            case .metric: return "metric"
            case .value: return "value"
            case .startTimestamp: return "start_ts"
            case .endTimestamp: return "end_ts"
            case .timestamp: return "ts"
            case .durationMilliseconds: return "duration_ms"
            case .success: return "success"
            case .status: return "status"
            case .error, .errorAlias: return "error"
            case .traceID: return "trace_id"
            case .spanID: return "span_id"
            case .parentSpanID: return "parent_span_id"
            case .service: return "service"
            case .agentID, .agentIDAlias: return "agent_id"
            case .agentName, .agentNameAlias: return "agent_name"
            case .agentDomain: return "agent_domain"
            case .workerID: return "worker_id"
            case .model, .modelAlias: return "model"
            case .provider, .providerAlias: return "provider"
            case .tool, .toolAlias: return "tool"
            case .phase: return "phase"
            case .promptTokens, .promptTokensAlias: return "prompt_tokens"
            case .completionTokens, .completionTokensAlias: return "completion_tokens"
            case .cachedTokens: return "cached_tokens"
            case .totalTokens: return "total_tokens"
            case .costUSD: return "cost_usd"
            case .route: return "route"
            case .confidence: return "confidence"
            case .memoryMB: return "memory_mb"
            case .quality: return "quality"
            case .stage: return "stage"
            case .tier: return "tier"
            case .other: return ""
            }
        }
    }

    /// Whether an event's attribute or label of this name could not be written without changing the line's
    /// meaning (reserved keys and aliases).
    var isReservedInEvent: Bool { role == .reserved || isAlias }

    /// The key's name exactly as written on the wire; `nil` for aliases and ``other``, whose callers build
    /// the name from the bytes.
    var wireName: String? {
        isAlias || self == .other ? nil : name
    }

    /// Recognises a known key written plainly (no escapes) at `p`, the byte after the key's opening quote,
    /// together with its closing quote; returns the key and its length (without the quote).
    ///
    /// This spares the scanner the string scan of almost every key: the comparisons against the literals
    /// compile to a few word loads and compares, and the closing quote proves the key ends there.
    @inline(__always)
    static func match(_ p: UnsafePointer<UInt8>, available: Int) -> (key: JSONLKey, length: Int)? {
        @inline(__always) func starts(_ literal: StaticString) -> Bool {
            available >= literal.utf8CodeUnitCount && memcmp(p, literal.utf8Start, literal.utf8CodeUnitCount) == 0
        }
        guard available > 0 else { return nil }
        switch p[0] {
        case UInt8(ascii: "a"):
            if starts("agent_id\"") { return (.agentID, 8) }
            if starts("agent_name\"") { return (.agentName, 10) }
            if starts("agent_domain\"") { return (.agentDomain, 12) }
        case UInt8(ascii: "c"):
            if starts("completion_tokens\"") { return (.completionTokens, 17) }
            if starts("cached_tokens\"") { return (.cachedTokens, 13) }
            if starts("cost_usd\"") { return (.costUSD, 8) }
            if starts("confidence\"") { return (.confidence, 10) }
        case UInt8(ascii: "d"):
            if starts("duration_ms\"") { return (.durationMilliseconds, 11) }
        case UInt8(ascii: "e"):
            if starts("event\"") { return (.event, 5) }
            if starts("end_ts\"") { return (.endTimestamp, 6) }
            if starts("error\"") { return (.error, 5) }
            if starts("error.type\"") { return (.errorAlias, 10) }
        case UInt8(ascii: "g"):
            if starts("gen_ai.request.model\"") { return (.modelAlias, 20) }
            if starts("gen_ai.provider.name\"") { return (.providerAlias, 20) }
            if starts("gen_ai.usage.input_tokens\"") { return (.promptTokensAlias, 25) }
            if starts("gen_ai.usage.output_tokens\"") { return (.completionTokensAlias, 26) }
            if starts("gen_ai.tool.name\"") { return (.toolAlias, 16) }
            if starts("gen_ai.agent.id\"") { return (.agentIDAlias, 15) }
            if starts("gen_ai.agent.name\"") { return (.agentNameAlias, 17) }
        case UInt8(ascii: "m"):
            if starts("model\"") { return (.model, 5) }
            if starts("metric\"") { return (.metric, 6) }
            if starts("memory_mb\"") { return (.memoryMB, 9) }
        case UInt8(ascii: "p"):
            if starts("phase\"") { return (.phase, 5) }
            if starts("provider\"") { return (.provider, 8) }
            if starts("prompt_tokens\"") { return (.promptTokens, 13) }
            if starts("parent_span_id\"") { return (.parentSpanID, 14) }
        case UInt8(ascii: "q"):
            if starts("quality\"") { return (.quality, 7) }
        case UInt8(ascii: "r"):
            if starts("route\"") { return (.route, 5) }
        case UInt8(ascii: "s"):
            if starts("start_ts\"") { return (.startTimestamp, 8) }
            if starts("status\"") { return (.status, 6) }
            if starts("success\"") { return (.success, 7) }
            if starts("service\"") { return (.service, 7) }
            if starts("span_id\"") { return (.spanID, 7) }
            if starts("stage\"") { return (.stage, 5) }
        case UInt8(ascii: "t"):
            if starts("ts\"") { return (.timestamp, 2) }
            if starts("tool\"") { return (.tool, 4) }
            if starts("total_tokens\"") { return (.totalTokens, 12) }
            if starts("trace_id\"") { return (.traceID, 8) }
            if starts("tier\"") { return (.tier, 4) }
        case UInt8(ascii: "v"):
            if starts("value\"") { return (.value, 5) }
        case UInt8(ascii: "w"):
            if starts("worker_id\"") { return (.workerID, 9) }
        default:
            break
        }
        return nil
    }

    /// Classifies a key from its UTF-8 bytes.
    static func classify(_ p: UnsafePointer<UInt8>, _ count: Int) -> JSONLKey {
        @inline(__always) func equals(_ literal: StaticString) -> Bool {
            memcmp(p, literal.utf8Start, count) == 0
        }
        switch count {
        case 2:
            if equals("ts") { return .timestamp }
        case 4:
            if equals("tool") { return .tool }
            if equals("tier") { return .tier }
        case 5:
            switch p[0] {
            case UInt8(ascii: "e"):
                if equals("event") { return .event }
                if equals("error") { return .error }
            case UInt8(ascii: "m"): if equals("model") { return .model }
            case UInt8(ascii: "v"): if equals("value") { return .value }
            case UInt8(ascii: "p"): if equals("phase") { return .phase }
            case UInt8(ascii: "r"): if equals("route") { return .route }
            case UInt8(ascii: "s"): if equals("stage") { return .stage }
            default: break
            }
        case 6:
            switch p[0] {
            case UInt8(ascii: "m"): if equals("metric") { return .metric }
            case UInt8(ascii: "s"): if equals("status") { return .status }
            case UInt8(ascii: "e"): if equals("end_ts") { return .endTimestamp }
            default: break
            }
        case 7:
            switch p[1] {
            case UInt8(ascii: "u"): if equals("success") { return .success }
            case UInt8(ascii: "e"): if equals("service") { return .service }
            case UInt8(ascii: "p"): if equals("span_id") { return .spanID }
            case UInt8(ascii: "a"): if equals("quality") { return .quality }
            default: break
            }
        case 8:
            switch p[0] {
            case UInt8(ascii: "s"): if equals("start_ts") { return .startTimestamp }
            case UInt8(ascii: "a"): if equals("agent_id") { return .agentID }
            case UInt8(ascii: "t"): if equals("trace_id") { return .traceID }
            case UInt8(ascii: "p"): if equals("provider") { return .provider }
            case UInt8(ascii: "c"): if equals("cost_usd") { return .costUSD }
            default: break
            }
        case 9:
            if equals("worker_id") { return .workerID }
            if equals("memory_mb") { return .memoryMB }
        case 10:
            if equals("agent_name") { return .agentName }
            if equals("confidence") { return .confidence }
            if equals("error.type") { return .errorAlias }
        case 11:
            if equals("duration_ms") { return .durationMilliseconds }
        case 12:
            if equals("agent_domain") { return .agentDomain }
            if equals("total_tokens") { return .totalTokens }
        case 13:
            if equals("prompt_tokens") { return .promptTokens }
            if equals("cached_tokens") { return .cachedTokens }
        case 14:
            if equals("parent_span_id") { return .parentSpanID }
        case 15:
            if equals("gen_ai.agent.id") { return .agentIDAlias }
        case 16:
            if equals("gen_ai.tool.name") { return .toolAlias }
        case 17:
            if equals("completion_tokens") { return .completionTokens }
            if equals("gen_ai.agent.name") { return .agentNameAlias }
        case 20:
            if equals("gen_ai.request.model") { return .modelAlias }
            if equals("gen_ai.provider.name") { return .providerAlias }
        case 25:
            if equals("gen_ai.usage.input_tokens") { return .promptTokensAlias }
        case 26:
            if equals("gen_ai.usage.output_tokens") { return .completionTokensAlias }
        default:
            break
        }
        return .other
    }

    /// Classifies a key given as a `String` (keys written with escapes, and the encoder).
    static func classify(_ key: String) -> JSONLKey {
        var key = key
        return key.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return .other }
            return classify(base, buffer.count)
        }
    }
}
