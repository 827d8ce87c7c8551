import VitalsStore

/// The PostgreSQL schema, as append-only migrations with the same versions and meaning as SQLite's: raw events
/// without an index on every row, found through the id and time ranges of `event_spans`, and partial indexes on
/// the failed ones by time and on each commit's standouts by duration.
enum PostgresSchema {
    static let migrations: [SchemaMigration] = [
        SchemaMigration(
            version: 1,
            description: "series, minute/hour/day buckets, raw events, roll-up state",
            statements: [
                """
                CREATE TABLE series (
                    id BIGSERIAL PRIMARY KEY,
                    kind SMALLINT NOT NULL,
                    name TEXT NOT NULL,
                    labels TEXT NOT NULL,
                    first_seen BIGINT NOT NULL,
                    last_seen BIGINT NOT NULL,
                    UNIQUE (kind, name, labels)
                )
                """,
                """
                CREATE TABLE event_buckets (
                    level SMALLINT NOT NULL,
                    series_id BIGINT NOT NULL,
                    start BIGINT NOT NULL,
                    count BIGINT NOT NULL,
                    errors BIGINT NOT NULL,
                    timeouts BIGINT NOT NULL,
                    duration_sum DOUBLE PRECISION NOT NULL,
                    duration_min DOUBLE PRECISION,
                    duration_max DOUBLE PRECISION,
                    sketch BYTEA NOT NULL,
                    sums BYTEA NOT NULL,
                    PRIMARY KEY (level, series_id, start)
                )
                """,
                "CREATE INDEX event_buckets_by_start ON event_buckets (level, start)",
                """
                CREATE TABLE gauge_buckets (
                    level SMALLINT NOT NULL,
                    series_id BIGINT NOT NULL,
                    start BIGINT NOT NULL,
                    count BIGINT NOT NULL,
                    sum DOUBLE PRECISION NOT NULL,
                    min DOUBLE PRECISION NOT NULL,
                    max DOUBLE PRECISION NOT NULL,
                    last DOUBLE PRECISION NOT NULL,
                    last_time BIGINT NOT NULL,
                    PRIMARY KEY (level, series_id, start)
                )
                """,
                "CREATE INDEX gauge_buckets_by_start ON gauge_buckets (level, start)",
                """
                CREATE TABLE events (
                    id BIGSERIAL PRIMARY KEY,
                    series_id BIGINT NOT NULL,
                    time BIGINT NOT NULL,
                    duration_ms DOUBLE PRECISION NOT NULL,
                    status SMALLINT NOT NULL,
                    detail BYTEA NOT NULL
                )
                """,
                """
                CREATE TABLE event_spans (
                    first_id BIGINT PRIMARY KEY,
                    last_id BIGINT NOT NULL,
                    min_time BIGINT NOT NULL,
                    max_time BIGINT NOT NULL,
                    max_duration DOUBLE PRECISION NOT NULL,
                    failures BIGINT NOT NULL
                )
                """,
                "CREATE INDEX event_spans_by_max_time ON event_spans (max_time)",
                """
                CREATE TABLE store_state (
                    level SMALLINT PRIMARY KEY,
                    rolled_until BIGINT,
                    pruned_before BIGINT
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
                    body BYTEA NOT NULL,
                    PRIMARY KEY (kind, key)
                )
                """,
                """
                CREATE TABLE leases (
                    name TEXT PRIMARY KEY,
                    holder TEXT NOT NULL,
                    expires BIGINT NOT NULL
                )
                """,
            ]
        ),
        SchemaMigration(
            version: 3,
            description: "batch keys (Idempotency-Key), so that a retried batch is stored once",
            statements: [
                "CREATE TABLE batch_keys (key TEXT PRIMARY KEY, received_at BIGINT NOT NULL)",
                "CREATE INDEX batch_keys_by_time ON batch_keys (received_at)",
            ]
        ),
        SchemaMigration(
            version: 4,
            description: "pending spans: commits whose event buckets are still in the writer's memory",
            statements: ["CREATE TABLE pending_spans (first_id BIGINT PRIMARY KEY)"]
        ),
        SchemaMigration(
            version: 5,
            description: "drill-down indexes: failed events by time, each commit's standouts by duration",
            statements: [
                "ALTER TABLE events ADD COLUMN standout BOOLEAN NOT NULL DEFAULT false",
                "ALTER TABLE event_spans ADD COLUMN ordinary_max_duration DOUBLE PRECISION",
                "CREATE INDEX events_failed_by_time ON events (time, series_id) WHERE status <> 0",
                "CREATE INDEX events_standouts_by_duration ON events (duration_ms, time, series_id) WHERE standout",
                "CREATE INDEX events_standouts_by_series ON events (series_id, duration_ms, time) WHERE standout",
            ]
        ),
    ]

    static let versionTable = "vitals_schema"

    /// Advisory lock keys. Ingest takes the shared lock, roll-ups the exclusive one, so a roll-up never reads an
    /// hour while a transaction that read the old watermark is still writing minutes into it.
    static let rollupLock: Int64 = 0x7669_7461_6C73_0001
    /// Serialises migrations of several servers starting at once.
    static let migrationLock: Int64 = 0x7669_7461_6C73_0002
}
