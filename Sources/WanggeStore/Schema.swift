/// The database schema and its migrations.
///
/// The schema version lives in SQLite's `PRAGMA user_version` (an integer in the file header,
/// 0 in a new file). Each migration runs in its own transaction together with the version
/// bump, so a database is always at exactly one version. Opening a database written by a
/// newer Wangge fails rather than guessing.
///
/// Geometry columns are registered with SpatiaLite (`AddGeometryColumn`: SRID 4326, a fixed
/// type, triggers that reject any other type or SRID) and indexed with `CreateSpatialIndex`
/// (an R*Tree kept in step by triggers; its boxes are float32 rounded outwards, so it only
/// prefilters — exact predicates decide).
///
/// SpatiaLite's metadata functions (`InitSpatialMetadata`, `AddGeometryColumn`,
/// `CreateSpatialIndex`) do not raise SQL errors: they print to stderr and return 0. The
/// migration therefore runs each `SELECT` of the script on its own and fails unless it
/// returns 1, so a half-built schema is rolled back instead of committed.
/// `InitSpatialMetadata(0)` is used because its `1` form opens a transaction of its own,
/// which SQLite refuses inside the migration's transaction.
enum Schema {
    static let migrations: [(version: Int, sql: String)] = [
        (
            1,
            """
            SELECT InitSpatialMetadata(0);
            CREATE TABLE wangge_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);

            CREATE TABLE units (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL DEFAULT '',
                kind TEXT NOT NULL DEFAULT '',
                area TEXT NOT NULL DEFAULT '',
                sla_hours REAL NOT NULL DEFAULT 72 CHECK (sla_hours > 0)
            );
            CREATE TABLE rules (
                category TEXT PRIMARY KEY NOT NULL,
                route TEXT NOT NULL DEFAULT ''
            );
            CREATE TABLE cells (
                code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 15),
                street TEXT NOT NULL,
                community TEXT NOT NULL,
                name TEXT NOT NULL DEFAULT '',
                community_name TEXT NOT NULL DEFAULT '',
                street_name TEXT NOT NULL DEFAULT '',
                area_m2 REAL
            );
            SELECT AddGeometryColumn('cells', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1);
            SELECT CreateSpatialIndex('cells', 'geom');
            CREATE INDEX cells_street ON cells (street);

            CREATE TABLE zones (
                id TEXT PRIMARY KEY NOT NULL,
                kind TEXT NOT NULL,
                unit TEXT NOT NULL REFERENCES units (id) DEFERRABLE INITIALLY DEFERRED,
                name TEXT NOT NULL DEFAULT ''
            );
            SELECT AddGeometryColumn('zones', 'geom', 4326, 'MULTIPOLYGON', 'XY', 1);
            SELECT CreateSpatialIndex('zones', 'geom');

            CREATE TABLE points (
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL DEFAULT '',
                type TEXT NOT NULL,
                radius_m REAL NOT NULL DEFAULT 0 CHECK (radius_m >= 0)
            );
            SELECT AddGeometryColumn('points', 'geom', 4326, 'GEOMETRY', 'XY', 1);
            SELECT CreateSpatialIndex('points', 'geom');

            CREATE TABLE orders (
                id TEXT PRIMARY KEY NOT NULL,
                lon TEXT NOT NULL DEFAULT '',
                lat TEXT NOT NULL DEFAULT '',
                crs TEXT NOT NULL DEFAULT '',
                category TEXT NOT NULL DEFAULT '',
                received_at TEXT NOT NULL,
                received_epoch REAL NOT NULL,
                attributes TEXT NOT NULL DEFAULT '{}',
                assign_status TEXT NOT NULL CHECK (assign_status IN ('inside','boundary','snapped','outside','invalid')),
                cell TEXT NOT NULL DEFAULT '',
                cells TEXT NOT NULL DEFAULT '',
                street TEXT NOT NULL DEFAULT '',
                community TEXT NOT NULL DEFAULT '',
                unit TEXT NOT NULL DEFAULT '',
                route TEXT NOT NULL DEFAULT 'none',
                zone TEXT NOT NULL DEFAULT '',
                distance_m REAL,
                points TEXT NOT NULL DEFAULT '',
                invalid_reason TEXT,
                wgs_lon REAL,
                wgs_lat REAL,
                imported_at TEXT NOT NULL
            );
            SELECT AddGeometryColumn('orders', 'geom', 4326, 'POINT', 'XY');
            SELECT CreateSpatialIndex('orders', 'geom');
            CREATE INDEX orders_received ON orders (received_epoch);
            CREATE INDEX orders_cell ON orders (cell);
            CREATE INDEX orders_assign_status ON orders (assign_status);
            """
        ),
        // Handling: each order's current status, and the history of its status changes.
        (
            2,
            """
            ALTER TABLE orders ADD COLUMN status TEXT NOT NULL DEFAULT 'received';
            CREATE TABLE order_events (
                order_id TEXT NOT NULL REFERENCES orders (id),
                seq INTEGER NOT NULL,
                status TEXT NOT NULL,
                at TEXT NOT NULL,
                at_epoch REAL NOT NULL,
                note TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (order_id, seq)
            );
            CREATE INDEX order_events_at ON order_events (at_epoch);
            """
        ),
        // API tokens: only a SHA-256 of each token is kept; a revoked token stays listed.
        (
            3,
            """
            CREATE TABLE tokens (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                role TEXT NOT NULL CHECK (role IN ('reader', 'operator', 'admin')),
                sha256 TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                revoked_at TEXT
            );
            """
        ),
        // The standard address layer (标准地址库): doors, places and shops with their points;
        // how each order was located by its address (AddressRouting.Located), empty when by
        // its coordinates alone.
        (
            4,
            """
            ALTER TABLE orders ADD COLUMN located_by TEXT NOT NULL DEFAULT '';
            ALTER TABLE orders ADD COLUMN address_match TEXT NOT NULL DEFAULT '';
            CREATE TABLE addresses (
                id TEXT PRIMARY KEY NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('door', 'place', 'shop')),
                name TEXT NOT NULL DEFAULT '',
                road TEXT NOT NULL DEFAULT '',
                number TEXT NOT NULL DEFAULT '',
                street TEXT NOT NULL DEFAULT ''
            );
            SELECT AddGeometryColumn('addresses', 'geom', 4326, 'POINT', 'XY', 1);
            SELECT CreateSpatialIndex('addresses', 'geom');
            """
        ),
        // Orders' received_at declared TIMESTAMP, which GDAL and QGIS (its temporal controller)
        // read as a DateTime; the text stays as written. SQLite cannot alter a column's type,
        // so the table's declaration is rewritten in place, as SQLite documents for changes
        // that leave the stored rows as they are (no index uses the column; ISO 8601 texts
        // keep their TEXT storage class under the new NUMERIC affinity), and the schema
        // cookie is bumped so every connection reloads it.
        (
            5,
            """
            PRAGMA writable_schema = ON;
            UPDATE sqlite_master SET sql = replace(sql, 'received_at TEXT NOT NULL', 'received_at TIMESTAMP NOT NULL') WHERE type = 'table' AND name = 'orders';
            PRAGMA schema_version = schema_version + 1;
            PRAGMA writable_schema = OFF;
            """
        ),
        // Search structures derived from a layer and kept so that a process routing orders
        // does not build them again: `cell_search` holds DistrictIndex.cellSearchImage(), which
        // carries a fingerprint of the cells it was built from and is used only while it matches.
        // Not a layer: nothing else reads it, and deleting a row only costs the next start time.
        (
            6,
            """
            CREATE TABLE derived_indexes (name TEXT PRIMARY KEY NOT NULL, bytes BLOB NOT NULL);
            """
        ),
    ]

    /// The statement of a migration script that stands for `PRAGMA schema_version = N + 1`,
    /// N the current version (SQLite takes only a literal there).
    static let bumpSchemaVersion = "PRAGMA schema_version = schema_version + 1"

    static var latestVersion: Int { migrations.last!.version }

    /// The statements of a migration script, split at semicolons that end a line.
    static func statements(of script: String) -> [String] {
        script.components(separatedBy: ";\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }
}
