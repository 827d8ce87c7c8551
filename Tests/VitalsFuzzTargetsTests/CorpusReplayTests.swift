import Testing
import VitalsFuzzTargets

/// The fuzz targets over their committed seed corpus and past findings: a regression of a fixed finding traps
/// here as it did under the fuzzer.
@Suite("Fuzz corpus replay")
struct CorpusReplayTests {
    @Test("every committed input of every target passes its checks", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) throws {
        let corpus = CorpusReplay.fuzzFolder + "/corpus/" + target.rawValue
        let regressions = CorpusReplay.fuzzFolder + "/regressions/" + target.rawValue
        #expect(!CorpusReplay.files(at: corpus).isEmpty, "no seed corpus in \(corpus)")
        let count = try CorpusReplay.replay(target, paths: [corpus, regressions])
        #expect(count >= 10)
    }
}
