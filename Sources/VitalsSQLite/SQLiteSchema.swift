import VitalsStore

/// The SQLite schema, as append-only migrations (never edit a shipped one; add the next version).
///
/// Times are integer nanoseconds since the epoch. `series.labels` is canonical JSON (sorted keys), unique per
/// kind and name. Buckets are keyed by level (0 minute, 1 hour, 2 day, 3 ten minutes, 4 six hours), series and start, without row ids;
/// the `(level, start)` indexes serve roll-ups and retention. Raw events are appended without an index on every
/// row (an index on series and time tripled the cost of an insert); each commit records its id range and time
/// range in `event_spans`, which is how drill-down and retention find them. Two partial indexes hold the few
/// events that drill-down looks for across many commits: the failed ones by time, and the standouts (the
/// slowest hundredth of each name in a commit) by duration.
enum SQLiteSchema {
    static let migrations: [SchemaMigration] = [
        SchemaMigration(
            version: 1,
            description: "series, minute/hour/day buckets, raw events, roll-up state",
            statements: [
                """
                CREATE TABLE series (
                    id INTEGER PRIMARY KEY,
                    kind INTEGER NOT NULL,
                    name TEXT NOT NULL,
                    labels TEXT NOT NULL,
                    first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL,
                    UNIQUE (kind, name, labels)
                )
                """,
                """
                CREATE TABLE event_buckets (
                    level INTEGER NOT NULL,
                    series_id INTEGER NOT NULL,
                    start INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    errors INTEGER NOT NULL,
                    timeouts INTEGER NOT NULL,
                    duration_sum REAL NOT NULL,
                    duration_min REAL,
                    duration_max REAL,
                    sketch BLOB NOT NULL,
                    sums BLOB NOT NULL,
                    PRIMARY KEY (level, series_id, start)
                ) WITHOUT ROWID
                """,
                "CREATE INDEX event_buckets_by_start ON event_buckets (level, start)",
                """
                CREATE TABLE gauge_buckets (
                    level INTEGER NOT NULL,
                    series_id INTEGER NOT NULL,
                    start INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    sum REAL NOT NULL,
                    min REAL NOT NULL,
                    max REAL NOT NULL,
                    last REAL NOT NULL,
                    last_time INTEGER NOT NULL,
                    PRIMARY KEY (level, series_id, start)
                ) WITHOUT ROWID
                """,
                "CREATE INDEX gauge_buckets_by_start ON gauge_buckets (level, start)",
                """
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY,
                    series_id INTEGER NOT NULL,
                    time INTEGER NOT NULL,
                    duration_ms REAL NOT NULL,
                    status INTEGER NOT NULL,
                    detail BLOB NOT NULL
                )
                """,
                """
                CREATE TABLE event_spans (
                    first_id INTEGER PRIMARY KEY,
                    last_id INTEGER NOT NULL,
                    min_time INTEGER NOT NULL,
                    max_time INTEGER NOT NULL,
                    max_duration REAL NOT NULL,
                    failures INTEGER NOT NULL
                )
                """,
                "CREATE INDEX event_spans_by_max_time ON event_spans (max_time)",
                """
                CREATE TABLE store_state (
                    level INTEGER PRIMARY KEY,
                    rolled_until INTEGER,
                    pruned_before INTEGER
                )
                """,
            ]
        ),
        SchemaMigration(
            version: 2,
            description: "durable state of alerting (alerts, silences, outbox) and leases",
            statements: [
                """
                CREATE TABLE subsystem_state (
                    kind TEXT NOT NULL,
                    key TEXT NOT NULL,
                    body BLOB NOT NULL,
                    PRIMARY KEY (kind, key)
                )
                """,
                """
                CREATE TABLE leases (
                    name TEXT PRIMARY KEY,
                    holder TEXT NOT NULL,
                    expires INTEGER NOT NULL
                )
                """,
            ]
        ),
        SchemaMigration(
            version: 3,
            description: "batch keys (Idempotency-Key), so that a retried batch is stored once",
            statements: [
                "CREATE TABLE batch_keys (key TEXT PRIMARY KEY, received_at INTEGER NOT NULL) WITHOUT ROWID",
                "CREATE INDEX batch_keys_by_time ON batch_keys (received_at)",
            ]
        ),
        SchemaMigration(
            version: 4,
            description: "pending spans: commits whose event buckets are still in the writer's memory",
            statements: ["CREATE TABLE pending_spans (first_id INTEGER PRIMARY KEY)"]
        ),
        SchemaMigration(
            version: 5,
            description: "drill-down indexes: failed events by time, each commit's standouts by duration",
            statements: [
                // 0 and 1 take no payload byte in SQLite's record format: the column costs one header byte.
                "ALTER TABLE events ADD COLUMN standout INTEGER NOT NULL DEFAULT 0",
                "ALTER TABLE event_spans ADD COLUMN ordinary_max_duration REAL",
                "CREATE INDEX events_failed_by_time ON events (time, series_id) WHERE status <> 0",
                "CREATE INDEX events_standouts_by_duration ON events (duration_ms, time, series_id) WHERE standout = 1",
                "CREATE INDEX events_standouts_by_series ON events (series_id, duration_ms, time) WHERE standout = 1",
            ]
        ),
    ]

    /// The table that marks a Vitals database and records its applied migrations.
    static let versionTable = "vitals_schema"
}
