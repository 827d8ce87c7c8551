import Foundation
import VitalsFuzzTargets

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if FUZZING
/// libFuzzer's driver, for programs with their own `main` (linked from `libclang_rt.fuzzer_no_main` by the
/// fuzz build; see `scripts/fuzz`).
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The target this process fuzzes, from `VITALS_FUZZ_TARGET` (set by `scripts/fuzz`).
private let selectedTarget: FuzzTarget = {
    let name = getenv("VITALS_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        let message = "VitalsFuzz: set VITALS_FUZZ_TARGET to one of \(names) (got \"\(name)\")\n"
        FileHandle.standardError.write(Data(message.utf8))
        exit(2)
    }
    return target
}()

/// Built by `scripts/fuzz` (with `-D FUZZING`): libFuzzer's driver runs `VITALS_FUZZ_TARGET` on generated inputs;
/// the arguments are libFuzzer's (corpus folders, `-max_total_time=600`, …).
@main
struct VitalsFuzz {
    static func main() {
        _ = selectedTarget
        var argc = CommandLine.argc
        var argv = Optional(CommandLine.unsafeArgv)
        let status = runFuzzerDriver(&argc, &argv) { data, size in
            selectedTarget.run(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
        exit(status)
    }
}
#else
/// Without `-D FUZZING`: replays files through a target, `VitalsFuzz TARGET FILE_OR_FOLDER…`, to reproduce a
/// finding in a normal build or under a debugger.
@main
struct VitalsFuzz {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: VitalsFuzz \(names) FILE_OR_FOLDER...\n".utf8))
            exit(2)
        }
        let count = try CorpusReplay.replay(target, paths: Array(arguments.dropFirst()))
        print("\(target.rawValue): \(count) inputs replayed, all checks held")
    }
}
#endif
