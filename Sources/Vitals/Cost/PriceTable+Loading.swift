import FoundationEssentials

extension PriceTable {
    /// Loads prices from a JSON file.
    ///
    /// The file holds `{"models": {"gpt-5-mini": {"input": 0.25, "output": 2.0, "cached_input": 0.025}}}`:
    /// USD per million tokens; `input` and `output` required, `cached_input` optional (cached tokens are then
    /// billed at the input rate). Other top-level keys (`"as_of"`, `"source"`) are ignored so the file can say
    /// where its prices come from; unknown keys inside a model are rejected, since they are usually typos.
    ///
    /// ```swift
    /// let prices = try PriceTable(contentsOfFile: "/etc/vitals/prices.json")
    /// ```
    ///
    /// - Parameter path: The file to read.
    /// - Throws: ``PriceTableError`` naming the file and, when one is at fault, the field.
    public init(contentsOfFile path: String) throws(PriceTableError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PriceTableError(code: .unreadableFile, file: path, reason: "cannot read the file (\(error))")
        }
        try self.init(data: data, source: path)
    }

    /// Loads prices from JSON text in the format of ``init(contentsOfFile:)``.
    ///
    /// - Parameters:
    ///   - json: The JSON text.
    ///   - source: The name errors use for the text (a file name, `--prices`, …).
    /// - Throws: ``PriceTableError`` naming the source and the field.
    public init(json: String, source: String = "<prices>") throws(PriceTableError) {
        try self.init(data: Data(json.utf8), source: source)
    }

    private init(data: Data, source: String) throws(PriceTableError) {
        let root: PriceJSON
        do {
            root = try JSONDecoder().decode(PriceJSON.self, from: data)
        } catch {
            throw PriceTableError(code: .invalidJSON, file: source, reason: "not valid JSON")
        }
        func fieldError(_ field: String?, _ reason: String) -> PriceTableError {
            PriceTableError(code: .invalidField, file: source, field: field, reason: reason)
        }
        guard case .object(let top) = root else {
            throw fieldError(nil, "expected a JSON object at the top level, found \(root.kind)")
        }
        guard let modelsValue = top["models"] else {
            throw fieldError("models", "missing; expected an object of prices by model name")
        }
        guard case .object(let models) = modelsValue else {
            throw fieldError("models", "expected an object of prices by model name, found \(modelsValue.kind)")
        }
        var prices: [String: ModelPrice] = [:]
        for (model, entry) in models.sorted(by: { $0.key < $1.key }) {
            let path = "models.\(model)"
            guard !model.isEmpty else { throw fieldError("models", "empty model name") }
            guard case .object(let fields) = entry else {
                throw fieldError(path, "expected an object with input, output and cached_input, found \(entry.kind)")
            }
            if let unknown = fields.keys.sorted().first(where: { !PriceJSON.modelFields.contains($0) }) {
                throw fieldError("\(path).\(unknown)", "unknown field; expected input, output or cached_input")
            }
            func rate(_ key: String, required: Bool) throws(PriceTableError) -> Double? {
                guard let value = fields[key], value != .null else {
                    if required { throw fieldError("\(path).\(key)", "missing; expected USD per million tokens") }
                    return nil
                }
                guard case .number(let number) = value, number.isFinite, number >= 0 else {
                    throw fieldError("\(path).\(key)", "expected a number >= 0, found \(value.kind)")
                }
                return number
            }
            prices[model] = ModelPrice(
                input: try rate("input", required: true)!,
                output: try rate("output", required: true)!,
                cachedInput: try rate("cached_input", required: false)
            )
        }
        self.init(prices)
    }
}

/// Any JSON value, so that a price file's fields can be checked one by one with messages that say what was
/// found instead of a decoder's generic type mismatch.
private enum PriceJSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([PriceJSON])
    case object([String: PriceJSON])

    static let modelFields: Set<String> = ["input", "output", "cached_input"]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: PriceJSON].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([PriceJSON].self))
        }
    }

    /// How the value reads in an error message: its type, and a short rendering for scalars.
    var kind: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return "\(value)"
        case .number(let value): return AttributeValue.format(value)
        case .string(let value): return "\"\(value.count > 40 ? String(value.prefix(40)) + "…" : value)\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
