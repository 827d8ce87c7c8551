package import Vitals
package import VitalsRules

/// One observation of the tools page: a violated result of the `tool-tiers` or `pipeline` pack in the window's
/// evaluation (the one `/v1/report` answers).
///
/// Decision: the seed's "observations" were auditor findings with a severity, a category and an acknowledgement.
/// In Vitals the findings about tools and the pipeline are the rule violations of those two packs, so an observation
/// is one violated rule result (rule and group), its severity is the severity crossed, and its category says what
/// kind of rule it broke (see ``Category``). Observations are recomputed from the data on every load and have no
/// state of their own: they are acknowledged only when an alert backs them, that is when the alerting service has an
/// active alert of the same rule name and group (its rules include the pack's rule), and the acknowledgement goes
/// through the alert API like the alerts page's.
package struct ToolObservation: Sendable {
    /// What kind of rule was broken.
    package enum Category: String, Sendable, CaseIterable {
        /// A call ran past its tier's timeout (`tierN-timeout`).
        case timeout
        /// The tier's p95 ceiling is exceeded (`tierN-latency`).
        case latency
        /// Typical calls are faster than the tier expects: the tool may belong to a lower tier (`tierN-floor`).
        case tierFit = "tier-fit"
        /// A pipeline stage broke its performance contract.
        case contract
        /// A pipeline golden invariant is broken.
        case invariant

        /// The category of a `tool-tiers` or `pipeline` rule; `nil` for another pack's.
        package init?(_ rule: Rule) {
            switch rule.location.file {
            case "tool-tiers":
                if rule.name.hasSuffix("-timeout") {
                    self = .timeout
                } else if rule.name.hasSuffix("-floor") {
                    self = .tierFit
                } else {
                    self = .latency
                }
            case PipelinePage.pack: self = PipelinePage.isInvariant(rule) ? .invariant : .contract
            default: return nil
            }
        }
    }

    /// The alert that backs an observation, as the server found it.
    package struct BackingAlert: Sendable {
        /// The alert's fingerprint, for `POST /v1/alerts/FINGERPRINT/ack`.
        package var fingerprint: String
        /// Who acknowledged it, when it is acknowledged.
        package var acknowledgedBy: String?

        package init(fingerprint: String, acknowledgedBy: String?) {
            self.fingerprint = fingerprint
            self.acknowledgedBy = acknowledgedBy
        }
    }

    /// The violated result.
    package var result: RuleResult
    /// Its category.
    package var category: Category
    /// The active alert of the same rule and group, when alerting has one.
    package var alert: BackingAlert?

    /// The severity as a word (`critical` when the result carries none).
    package var severity: String { (result.severity ?? result.rule.highestSeverity).rawValue }

    /// The observations among `results`, most severe first, each with its backing alert from `alerts`
    /// (keyed by rule name and group).
    package static func observations(
        _ results: [RuleResult],
        alerts: (_ rule: String, _ group: [String: String]) -> BackingAlert?
    ) -> [ToolObservation] {
        results.compactMap { result in
            guard result.status == .violated, let category = Category(result.rule) else { return nil }
            let group = Dictionary(result.group.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            return ToolObservation(result: result, category: category, alert: alerts(result.rule.name, group))
        }.sorted { ($0.result.severity ?? .critical) > ($1.result.severity ?? .critical) }
    }

    /// The filters of `?severity=&category=`; `nil` admits every value.
    package struct Filter: Sendable {
        package var severity: Severity?
        package var category: Category?

        /// The filter of the page's parameters (an empty value means "any").
        ///
        /// - Throws: ``DashboardError`` naming the accepted values.
        package init(severity: String?, category: String?) throws(DashboardError) {
            if let severity, !severity.isEmpty {
                guard let parsed = Severity(rawValue: severity) else {
                    throw DashboardError(
                        "severity=\(severity.prefix(64)): expected one of "
                            + Severity.allCases.map(\.rawValue).joined(separator: ", ")
                    )
                }
                self.severity = parsed
            }
            if let category, !category.isEmpty {
                guard let parsed = Category(rawValue: category) else {
                    throw DashboardError(
                        "category=\(category.prefix(64)): expected one of "
                            + Category.allCases.map(\.rawValue).joined(separator: ", ")
                    )
                }
                self.category = parsed
            }
        }

        func admits(_ observation: ToolObservation) -> Bool {
            (severity == nil || observation.severity == severity?.rawValue)
                && (category == nil || observation.category == category)
        }
    }
}
