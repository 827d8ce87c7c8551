/// Turns a ``PatternNode`` into the instructions a ``LinearPattern`` simulates.
struct PatternCompiler {
    var program: [Instruction] = []
    var sets: [ScalarSet] = []
    private var setIndex: [ScalarSet: Int] = [:]

    mutating func emit(_ node: PatternNode) throws(LinearPatternError) {
        guard program.count < LinearPattern.maximumProgramSize else {
            throw LinearPatternError(
                position: 0,
                message: "the pattern is too large once its repetitions are expanded "
                    + "(more than \(LinearPattern.maximumProgramSize) steps)"
            )
        }
        switch node {
        case .empty:
            break
        case .scalar(let value):
            program.append(.scalar(value))
        case .any:
            program.append(.any)
        case .set(let set):
            if let index = setIndex[set] {
                program.append(.set(index))
            } else {
                setIndex[set] = sets.count
                program.append(.set(sets.count))
                sets.append(set)
            }
        case .concatenation(let items):
            for item in items { try emit(item) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index < branches.count - 1 {
                    let split = program.count
                    program.append(.split(split + 1, 0))
                    try emit(branch)
                    jumps.append(program.count)
                    program.append(.jump(0))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try emit(branch)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repetition(let inner, let minimum, let maximum):
            for _ in 0..<minimum { try emit(inner) }
            if let maximum {
                // Optional copies: each may be skipped, which skips the rest.
                var splits: [Int] = []
                for _ in minimum..<maximum {
                    splits.append(program.count)
                    program.append(.split(program.count + 1, 0))
                    try emit(inner)
                }
                for split in splits { program[split] = .split(split + 1, program.count) }
            } else {
                let loop = program.count
                program.append(.split(loop + 1, 0))
                try emit(inner)
                program.append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        }
        guard program.count <= LinearPattern.maximumProgramSize else {
            throw LinearPatternError(
                position: 0,
                message: "the pattern is too large once its repetitions are expanded "
                    + "(more than \(LinearPattern.maximumProgramSize) steps)"
            )
        }
    }
}
