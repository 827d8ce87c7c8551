import Foundation
import Vitals

extension JSONLInput {
    /// Reads one file (`-`: standard input) line by line with the codec, passing each line's number and its
    /// record or decoding error to `body`.
    static func readFile(
        _ path: String,
        _ body: (Int, Result<Record, JSONLError>) throws(InputError) -> Void
    ) throws(InputError) {
        var reader: JSONLReader
        if path == "-" {
            reader = JSONLReader(fileDescriptor: 0, name: "-")
        } else {
            do {
                reader = try JSONLReader(path: path)
            } catch {
                throw InputError(code: .unreadable, file: path, line: 0, message: error.reason)
            }
        }
        try readLines(&reader, decoder: JSONLDecoder(), file: path, body)
    }

    /// Decodes every line of `reader`.
    static func readLines(
        _ reader: inout JSONLReader,
        decoder: JSONLDecoder,
        file: String,
        _ body: (Int, Result<Record, JSONLError>) throws(InputError) -> Void
    ) throws(InputError) {
        while true {
            let next: JSONLReader.Line?
            do {
                next = try reader.next()
            } catch {
                throw InputError(code: .unreadable, file: file, line: 0, message: error.reason)
            }
            guard let line = next else { return }
            if let error = line.error {
                try body(line.number, .failure(error))
                continue
            }
            let result: Result<Record, JSONLError>
            do {
                result = .success(try decoder.decode(line: line.bytes))
            } catch {
                result = .failure(error)
            }
            try body(line.number, result)
        }
    }
}
