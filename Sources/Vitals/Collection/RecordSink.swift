/// Takes each record as it is recorded, to send it elsewhere: the in-process exporter of `VitalsPush` is one.
///
/// An ``EventCollector`` made with a sink hands it every event it keeps (after sampling, before the retention
/// cap), labels stamped. ``receive(_:)`` runs on the recording thread, so it must neither block nor do I/O nor
/// throw: a sink queues and sends from a task of its own.
///
/// ```swift
/// let exporter = VitalsExporter(configuration: .fromEnvironment(ProcessInfo.processInfo.environment))
/// let collector = EventCollector(workerID: "w-7", sink: exporter)
/// ```
public protocol RecordSink: Sendable {
    /// Takes one record; must return at once.
    func receive(_ record: Record)
}
