/// "Did you mean" hints for unknown keys, metrics and units.
package enum Suggestion {
    /// `; did you mean "metric"?` when a candidate is within a small edit distance of `word`, else "".
    package static func didYouMean(_ word: String, among candidates: [String]) -> String {
        guard let best = closest(to: word, among: candidates) else { return "" }
        return "; did you mean \"\(best)\"?"
    }

    /// The candidate nearest to `word`, if it is close enough to be a plausible typo.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        // Case-insensitive distance first, exact-case distance to break ties ("MBs" is nearer "MB" than "ms").
        var best: (String, Int, Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            let exact = editDistance(word, candidate)
            if best == nil || distance < best!.1 || (distance == best!.1 && exact < best!.2) {
                best = (candidate, distance, exact)
            }
        }
        guard let (candidate, distance, _) = best else { return nil }
        let allowed = max(1, min(3, candidate.count / 3))
        return distance <= allowed ? candidate : nil
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let left = Array(a)
        let right = Array(b)
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let substitution = previous[j - 1] + (left[i - 1] == right[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
