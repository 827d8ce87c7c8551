import Foundation

/// Runs fuzz targets over files: the committed corpus in the tests, any file or folder from the command line.
package enum CorpusReplay {
    /// The files of `path`: the path itself when it is a file, the regular files under it (sorted) when it is a
    /// folder, none when it does not exist.
    package static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return [] }
        guard isFolder.boolValue else { return [path] }
        let names = (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }.filter { file in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }

    /// Runs `target` over every file of `paths`; returns the number of inputs run. A failed check traps, as it
    /// does under the fuzzer.
    ///
    /// - Throws: The error of a file that cannot be read.
    @discardableResult
    package static func replay(_ target: FuzzTarget, paths: [String]) throws -> Int {
        var count = 0
        for path in paths {
            for file in files(at: path) {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                data.withUnsafeBytes { target.run($0) }
                count += 1
            }
        }
        return count
    }

    /// The folder of the committed corpus and findings: `Fuzz/` at the package root.
    package static let fuzzFolder: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Fuzz").path
    }()
}
