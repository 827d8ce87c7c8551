/// One step of a backend's schema: a version number and the statements that take the schema there.
///
/// Migrations are append-only: a shipped migration is never edited, a change is a new migration with the next
/// version. Each backend keeps its list; the version numbers mean the same in both.
package struct SchemaMigration: Sendable {
    package var version: Int
    package var description: String
    package var statements: [String]

    package init(version: Int, description: String, statements: [String]) {
        self.version = version
        self.description = description
        self.statements = statements
    }

    /// The migrations of `list` a database at `applied` still needs, after checking that it is not newer than
    /// this binary.
    ///
    /// - Throws: ``StoreError`` of code ``StoreError/Code/schemaTooNew`` naming both versions.
    package static func pending(
        _ list: [SchemaMigration],
        applied: Int,
        database: String
    ) throws(StoreError) -> [SchemaMigration] {
        let known = list.map(\.version).max() ?? 0
        if applied > known {
            throw StoreError(
                code: .schemaTooNew,
                message: "\(database): schema version \(applied) is newer than this vitals binary supports "
                    + "(up to \(known)); use a newer vitals, or another database"
            )
        }
        return list.filter { $0.version > applied }.sorted { $0.version < $1.version }
    }
}
