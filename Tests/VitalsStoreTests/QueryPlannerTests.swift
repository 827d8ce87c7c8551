import Testing
import VitalsStore

@Suite("Query planner")
struct QueryPlannerTests {
    let m = Fixture.minute
    let h = Fixture.hour
    let d = Fixture.day
    let t0 = Fixture.day0

    @Test("without roll-ups everything is minutes, widened to whole minutes")
    func minutesOnly() {
        let plan = QueryPlanner.plan(from: t0 + 30_000, to: t0 + 5 * m + 1, state: StoreState())
        #expect(plan == [BucketSegment(level: .minute, from: t0, to: t0 + 6 * m)])
    }

    @Test("whole rolled-up days and hours inside the range, minutes at the edges")
    func coarsestThatFits() {
        let state = StoreState(rolledUntil: [.hour: t0 + 10 * d, .day: t0 + 10 * d])
        let plan = QueryPlanner.plan(from: t0 + 22 * h + 30 * m, to: t0 + 3 * d + 2 * h + 15 * m, state: state)
        #expect(
            plan == [
                BucketSegment(level: .minute, from: t0 + 22 * h + 30 * m, to: t0 + 23 * h),
                BucketSegment(level: .minute, from: t0 + 3 * d + 2 * h, to: t0 + 3 * d + 2 * h + 15 * m),
                BucketSegment(level: .hour, from: t0 + 23 * h, to: t0 + d),
                BucketSegment(level: .hour, from: t0 + 3 * d, to: t0 + 3 * d + 2 * h),
                BucketSegment(level: .day, from: t0 + d, to: t0 + 3 * d),
            ]
        )
    }

    @Test("a day ending a minute before the hour: 6-hour buckets, hours, 10-minute buckets and minutes")
    func everyLevel() {
        let levels: [BucketLevel] = [.tenMinutes, .hour, .sixHours, .day]
        let state = StoreState(rolledUntil: Dictionary(uniqueKeysWithValues: levels.map { ($0, t0 + 10 * d) }))
        let end = t0 + 3 * d + 14 * h + 59 * m
        let plan = QueryPlanner.plan(from: end - d, to: end, state: state)
        #expect(
            plan == [
                BucketSegment(level: .minute, from: end - d, to: t0 + 2 * d + 15 * h),
                BucketSegment(level: .minute, from: t0 + 3 * d + 14 * h + 50 * m, to: end),
                BucketSegment(level: .tenMinutes, from: t0 + 3 * d + 14 * h, to: t0 + 3 * d + 14 * h + 50 * m),
                BucketSegment(level: .hour, from: t0 + 2 * d + 15 * h, to: t0 + 2 * d + 18 * h),
                BucketSegment(level: .hour, from: t0 + 3 * d + 12 * h, to: t0 + 3 * d + 14 * h),
                BucketSegment(level: .sixHours, from: t0 + 2 * d + 18 * h, to: t0 + 3 * d + 12 * h),
            ]
        )
        #expect(BucketLevel.allCases.sorted() == BucketLevel.allCases, "levels in order of width")
        #expect(BucketLevel.allCases.map(\.finer) == [nil, .minute, .tenMinutes, .hour, .sixHours])
    }

    @Test("nothing past a level's watermark is read at that level")
    func watermarks() {
        let state = StoreState(rolledUntil: [.hour: t0 + 5 * h, .day: t0])
        let plan = QueryPlanner.plan(from: t0, to: t0 + 2 * d, state: state)
        #expect(
            plan == [
                BucketSegment(level: .minute, from: t0 + 5 * h, to: t0 + 2 * d),
                BucketSegment(level: .hour, from: t0, to: t0 + 5 * h),
            ]
        )
    }

    @Test("pruned minutes are answered by the whole hours that hold them")
    func prunedEdges() {
        let state = StoreState(rolledUntil: [.hour: t0 + 10 * d], prunedBefore: [.minute: t0 + 2 * d + 30 * m])
        let plan = QueryPlanner.plan(from: t0 + 10 * m, to: t0 + 2 * d + 3 * h + 5 * m, state: state)
        #expect(
            plan == [
                BucketSegment(level: .minute, from: t0 + 2 * d + 3 * h, to: t0 + 2 * d + 3 * h + 5 * m),
                BucketSegment(level: .hour, from: t0, to: t0 + 2 * d + 3 * h),
            ]
        )
    }

    @Test("steps of a time series share segments without reading a bucket twice")
    func steps() {
        let state = StoreState(rolledUntil: [.hour: t0 + 10 * d, .day: t0 + 10 * d])
        let plan = QueryPlanner.plan(
            ranges: [(t0, t0 + h), (t0 + h, t0 + 2 * h), (t0 + 2 * h, t0 + 2 * h + 30 * m)],
            state: state
        )
        #expect(
            plan == [
                BucketSegment(level: .minute, from: t0 + 2 * h, to: t0 + 2 * h + 30 * m),
                BucketSegment(level: .hour, from: t0, to: t0 + 2 * h),
            ]
        )
    }
}
