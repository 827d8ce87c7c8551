import Vitals
import VitalsStore

extension Timestamp {
    /// This timestamp moved by `duration`, saturating at the ends of the representable range.
    func adding(_ duration: Duration) -> Timestamp {
        let (sum, overflow) = nanosecondsSinceEpoch.addingReportingOverflow(duration.nanoseconds)
        return Timestamp(nanosecondsSinceEpoch: overflow ? (duration < .zero ? .min : .max) : sum)
    }

    /// The duration from `earlier` to this timestamp (negative when `earlier` is later).
    func duration(since earlier: Timestamp) -> Duration {
        .nanoseconds(nanosecondsSinceEpoch &- earlier.nanosecondsSinceEpoch)
    }
}
