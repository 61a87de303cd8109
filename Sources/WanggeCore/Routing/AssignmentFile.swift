import Dispatch
import Foundation

/// `wangge assign` over a whole orders CSV: every row in, one output row out, in input order,
/// with the header `id,status,cell,cells,street,community,unit,route,zone,distance_m,points,located_by,match`
/// (the last two: how the order was located and the matched standard address, ``AddressRouting``).
///
/// The file is cut at record boundaries (``CSVSplitter``) and the pieces are read, routed and
/// written on all cores, straight from bytes to bytes: only the few strings routing needs are
/// made. Row rules are those of ``WorkOrderCSV`` in lenient mode and ``OrderRouter``: a row with the
/// wrong number of fields, an empty id, a control character in its id or category, an
/// unreadable `received_at`, unreadable coordinates or an unknown CRS comes out `invalid`, and
/// its reason (the words `import orders` fails with) is reported with its line number. A quote
/// that is never closed still fails the run (the rest of the file cannot be read), naming the
/// line, and so does text that is not UTF-8 (``TextDecodingError``, thrown before anything is
/// written: transcode with ``TextEncoding/decode(_:as:)`` and run again). Each piece is
/// validated as UTF-8 (one pass, on all cores) before it is read; a GB18030 file is transcoded once.
public enum AssignmentFile {
    /// What a run saw, for the summary on standard error.
    public struct Summary: Sendable {
        public var rows = 0
        public var statusCounts: [AssignmentStatus: Int] = [:]
        /// Rows (not invalid) whose category has no routing rule, by category.
        public var categoriesWithoutRule: [String: Int] = [:]
        /// Invalid rows in input order: line, order id (may be empty) and reason.
        public var invalidRows: [RejectedRow] = []
        /// Rows located by their address (or code), by `located_by`.
        public var locatedBy: [String: Int] = [:]
        /// Rows kept at their coordinates whose address resolved too far away (`address_far`):
        /// line, order id and the standard address id.
        public var addressFar: [(line: Int, id: String, match: String)] = []
    }

    /// An orders CSV read as far as routing needs before the district is at hand: its header
    /// and, when the text is proven readable (``CSVSplitter``), its pieces. Made by
    /// ``read(_:workers:)`` — on another core while the index is built, if the caller likes.
    public struct Input: Sendable {
        let bytes: [UInt8]
        let columns: WorkOrderCSV.Columns
        let start: Int, firstLine: Int
        let pieceCount: Int
        /// nil: not proven readable; the pieces are cut by the one-pass scan when routing.
        let readablePieces: [(range: Range<Int>, firstLine: Int)]?
    }

    /// Reads the header of `bytes` and cuts the rest into pieces for `workers` cores.
    public static func read(_ bytes: [UInt8], workers: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> Input {
        var reader = CSVReader(bytes: bytes)
        var fields: [Range<Int>] = []
        guard try reader.next(into: &fields) else {
            throw CSVRowError(line: 1, message: "the file is empty; expected a header with \(WorkOrderCSV.requiredColumns.joined(separator: ","))")
        }
        let columns = try WorkOrderCSV.Columns(header: fields.map { reader.string($0) }, line: reader.line)
        let pieceCount = max(1, workers) * 8
        return Input(
            bytes: bytes, columns: columns, start: reader.position, firstLine: reader.nextLine, pieceCount: pieceCount,
            readablePieces: CSVSplitter.splitReadable(bytes, from: reader.position, firstLine: reader.nextLine, pieces: pieceCount))
    }

    /// Routes every row of `bytes` (an orders CSV) and passes the output CSV to `write`,
    /// header first, in input order. With `addresses`, rows without usable coordinates are
    /// located by their `address` or code column and addresses are checked against coordinates.
    public static func route(
        _ bytes: [UInt8], index: DistrictIndex, addresses: AddressRouting? = nil,
        defaultCRS: String = "", snapMetres: Double = 50,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (@Sendable (Int) -> Void)? = nil,
        write: ([UInt8]) throws -> Void
    ) throws -> Summary {
        try route(
            try read(bytes, workers: workers), index: index, addresses: addresses, defaultCRS: defaultCRS, snapMetres: snapMetres,
            progress: progress, write: write)
    }

    /// Routes an input made by ``read(_:workers:)`` (see ``route(_:index:addresses:defaultCRS:snapMetres:workers:progress:write:)``).
    public static func route(
        _ input: Input, index: DistrictIndex, addresses: AddressRouting? = nil,
        defaultCRS: String = "", snapMetres: Double = 50,
        progress: (@Sendable (Int) -> Void)? = nil,
        write: ([UInt8]) throws -> Void
    ) throws -> Summary {
        let bytes = input.bytes, columns = input.columns
        let texts = OutputTexts(index: index)
        let routed = Locked(0)
        // One router per worker thread at a time, not one per piece (making one reads PROJ's database).
        let routers = OrderRouterPool(index: index, snapMetres: snapMetres)
        let routePiece = { @Sendable (piece: (range: Range<Int>, firstLine: Int), validated: Bool) throws -> PieceOutput in
            let router = try routers.take()
            defer { routers.giveBack(router) }
            var worker = PieceWorker(
                bytes: bytes, columns: columns, router: router, texts: texts, defaultCRS: defaultCRS,
                addresses: addresses)
            let output = try worker.run(piece.range, firstLine: piece.firstLine, validated: validated)
            if let progress {
                progress(
                    routed.withLock {
                        $0 += output.summary.rows; return $0
                    })
            }
            return output
        }
        var summary = Summary()
        func writeHeader() throws {
            var header = CSVWriter(capacity: 128)
            header.write(AssignmentRow.header + AssignmentRow.locationHeader)
            try write(header.bytes)
        }
        func take(_ output: PieceOutput) throws {
            try write(output.bytes)
            summary.rows += output.summary.rows
            summary.statusCounts.merge(output.summary.statusCounts, uniquingKeysWith: +)
            summary.categoriesWithoutRule.merge(output.summary.categoriesWithoutRule, uniquingKeysWith: +)
            summary.invalidRows += output.summary.invalidRows
            summary.locatedBy.merge(output.summary.locatedBy, uniquingKeysWith: +)
            summary.addressFar += output.summary.addressFar
        }
        // Nothing is written before the whole file is known to be readable: text that is not
        // UTF-8 fails before any output (and can be read again as GB18030), and so does a
        // quote never closed.
        if let pieces = input.readablePieces {
            // Proven readable (valid UTF-8, every quoted record well formed), no piece can fail,
            // nor can taking a router once there is one per thread: each piece is written as
            // soon as it and those before it are routed, while the rest are being routed.
            let warm = try (0 ..< max(1, ProcessInfo.processInfo.activeProcessorCount)).map { _ in try routers.take() }
            for router in warm { routers.giveBack(router) }
            try writeHeader()
            try Parallel.forEachInOrder(pieces.count, { k in try routePiece(pieces[k], true) }, consume: take)
        } else {
            let pieces = CSVSplitter.splitFollowingQuotes(bytes, from: input.start, firstLine: input.firstLine, pieces: input.pieceCount)
            let outputs = try Parallel.map(pieces.count) { k in try routePiece(pieces[k], false) }
            try writeHeader()
            for output in outputs { try take(output) }
        }
        return summary
    }

    struct PieceOutput {
        var bytes: [UInt8]
        var summary: Summary
    }

    /// The CSV bytes of every code and id the output can hold, escaped once and kept in one
    /// buffer (no reference counting per field written).
    struct OutputTexts: Sendable {
        enum Table: Int, CaseIterable {
            case cellCode, street, community, unitID, zoneID, zoneUnitID, layerKind, pointID, status
            /// A cell's `cell,cells,street,community` fields for an order it alone covers, and
            /// for an order snapped to it (`cells` empty): one copy instead of seven.
            case coveredRun, snappedRun
        }
        private(set) var buffer: [UInt8] = []
        /// Entry e of table t spans `buffer[bounds[first[t] + e] ..< bounds[first[t] + e + 1]]`.
        private(set) var bounds: [Int] = []
        private(set) var first: [Int] = []

        init(index: DistrictIndex) {
            let tables: [[String]] = Table.allCases.map { table in
                switch table {
                case .cellCode: return index.cells.map(\.code)
                case .street: return index.cells.map(\.street)
                case .community: return index.cells.map(\.community)
                case .unitID: return index.units.map(\.id)
                case .zoneID: return index.zones.map(\.id)
                case .zoneUnitID: return index.zones.map(\.unitID)
                case .layerKind: return index.zoneLayers.map(\.kind)
                case .pointID: return index.points.map(\.id)
                case .status: return AssignmentStatus.allCases.map(\.rawValue)
                case .coveredRun, .snappedRun: return []
                }
            }
            // Written field by field into one writer (no array per field: a city has 40,000 cells).
            var out = CSVWriter(capacity: index.cells.count * 96)
            for (table, entries) in zip(Table.allCases, tables) {
                first.append(bounds.count)
                bounds.append(out.bytes.count)
                switch table {
                case .coveredRun, .snappedRun:
                    for c in index.cells {
                        out.append(field: c.code)
                        out.endField()
                        if table == .coveredRun { out.append(field: c.code) }
                        out.endField()
                        out.append(field: c.street)
                        out.endField()
                        out.append(field: c.community)
                        bounds.append(out.bytes.count)
                    }
                default:
                    for e in entries {
                        out.append(field: e)
                        bounds.append(out.bytes.count)
                    }
                }
            }
            buffer = out.bytes
        }

        func append(_ table: Table, _ entry: Int, to out: inout CSVWriter) {
            let k = first[table.rawValue] + entry
            let lower = bounds[k], upper = bounds[k + 1]
            buffer.withUnsafeBufferPointer { out.append(escaped: UnsafeBufferPointer(rebasing: $0[lower ..< upper])) }
        }

        /// Reads the start of each routed order's cell texts and returns a value made of them:
        /// a city's texts are megabytes read at random, and a block's reads issued together
        /// overlap, where the rows written one by one wait for each (see ``PieceWorker/run(_:firstLine:validated:)``).
        func firstBytes(of assignments: [Assignment]) -> UInt8 {
            var value: UInt8 = 0
            buffer.withUnsafeBufferPointer { buffer in
                bounds.withUnsafeBufferPointer { bounds in
                    let covered = first[Table.coveredRun.rawValue], snapped = first[Table.snappedRun.rawValue]
                    for a in assignments {
                        guard let c = a.cell else { continue }
                        let k = bounds[(a.status == .snapped ? snapped : covered) + c]
                        if k < buffer.count { value ^= buffer[k] }
                    }
                }
            }
            return value
        }

        func append(_ status: AssignmentStatus, to out: inout CSVWriter) {
            append(.status, status.ordinal, to: &out)
        }
    }

    /// Reads, routes and writes one piece of the file.
    struct PieceWorker {
        let bytes: [UInt8]
        let columns: WorkOrderCSV.Columns
        let router: OrderRouter
        let texts: OutputTexts
        let addresses: AddressRouting?
        /// The `address` column and the code columns (``AddressRouting/codeColumns``), when present.
        let addressColumn: Int?
        let codeColumns: [Int]
        var systems = CRSCache()
        /// The CRS of rows with a blank `crs` field (looked up once, not per row).
        let defaultSystem: Result<CoordinateReferenceSystem, CoordinateError>
        /// Categories seen in this piece, with the count of their rows that had a cell but no rule.
        var categories: [(hash: UInt64, bytes: [UInt8], name: String, route: CategoryRoute, problem: String?, withoutRule: Int)] = []
        /// Open addressing over `categories` by hash (index + 1; 0 is empty), grown at half full:
        /// a row's category costs a hash and one probe, no `String` made or hashed.
        var categorySlots = [Int32](repeating: 0, count: 64)
        /// Rows by status, in the order of `AssignmentStatus.allCases`.
        var statusTally = [Int](repeating: 0, count: AssignmentStatus.allCases.count)
        var out = CSVWriter(capacity: 1 << 20)
        var summary = Summary()
        /// What ``OutputTexts/firstBytes(of:)`` read (kept so that the reads are made).
        var touched: UInt8 = 0

        static let invalidTail = Array(",,,,,,none,,,,,".utf8)
        static let streetRoute = Array("street".utf8)
        static let noRoute = Array("none".utf8)
        /// `located_by` and an empty `match`, for the usual row.
        static let byCoordinates = Array("coordinates,".utf8)

        init(
            bytes: [UInt8], columns: WorkOrderCSV.Columns, router: OrderRouter, texts: OutputTexts, defaultCRS: String,
            addresses: AddressRouting? = nil
        ) {
            self.bytes = bytes; self.columns = columns; self.router = router; self.texts = texts
            self.addresses = addresses
            defaultSystem = systems.system(defaultCRS)
            addressColumn = addresses == nil ? nil : columns.names.firstIndex(of: AddressRouting.addressColumn)
            codeColumns = addresses == nil ? [] : AddressRouting.codeColumns.compactMap { columns.names.firstIndex(of: $0) }
        }

        /// A row read and checked, waiting for its block to be routed (see ``run(_:firstLine:validated:)``).
        struct PendingRow {
            var line: Int
            var idRange: Range<Int>
            /// Why the row is invalid whatever its location (its shape, id, category or time), with
            /// its id as the message names it.
            var rejection: (id: String, reason: String)?
            var categoryIndex = 0
            /// The row's index in the block's orders, or -1 when its coordinates are unusable.
            var order = -1
            /// Why the coordinates are unusable (when `order` is -1).
            var positionProblem: String?
            /// The address and the first non-empty code column, read only with an address layer.
            var address = "", code = ""
        }

        /// Routes the records of `range`; `validated`: its text is already known to be UTF-8.
        ///
        /// Rows go in blocks of ``OrderRouter/blockSize``: read and checked, then routed together
        /// (``OrderRouter/assign(_:into:)`` overlaps their raster reads), then written in order.
        mutating func run(_ range: Range<Int>, firstLine: Int, validated: Bool = false) throws -> PieceOutput {
            if !validated { try TextEncoding.checkUTF8(bytes, range: range, firstLine: firstLine) }
            var reader = CSVReader(bytes: bytes, range: range, firstLine: firstLine, validated: true)
            var fields: [Range<Int>] = []
            // Room for the whole output (untouched pages cost nothing): growing copies it.
            out = CSVWriter(capacity: range.count * 2 + 4096)
            // A local copy: `texts` read through `self` while `self.out` is being written would
            // be copied (its arrays retained) at every field.
            let texts = self.texts
            var pending: [PendingRow] = []
            var orders: [BlockOrder] = []
            var assignments: [Assignment] = []
            pending.reserveCapacity(OrderRouter.blockSize)
            orders.reserveCapacity(OrderRouter.blockSize)
            var more = true
            while more {
                pending.removeAll(keepingCapacity: true)
                orders.removeAll(keepingCapacity: true)
                while orders.count < OrderRouter.blockSize {
                    guard try reader.next(into: &fields) else { more = false; break }
                    pending.append(read(fields, reader, into: &orders))
                }
                router.assign(orders, into: &assignments)
                touched ^= texts.firstBytes(of: assignments)
                for row in pending { finish(row, assignments, reader, texts) }
            }
            for (k, status) in AssignmentStatus.allCases.enumerated() where statusTally[k] > 0 {
                summary.statusCounts[status, default: 0] += statusTally[k]
            }
            for c in categories where c.withoutRule > 0 { summary.categoriesWithoutRule[c.name, default: 0] += c.withoutRule }
            return PieceOutput(bytes: out.take(), summary: summary)
        }

        /// Checks one row as `import orders` does, in its order (the shape, control characters in
        /// the id and the category, then the reception time, then the location), and appends its
        /// order to `orders` when its coordinates are usable.
        mutating func read(_ fields: [Range<Int>], _ reader: CSVReader, into orders: inout [BlockOrder]) -> PendingRow {
            summary.rows += 1
            var row = PendingRow(line: reader.line, idRange: 0 ..< 0)
            guard fields.count == columns.names.count else {
                let id = columns.id < fields.count ? reader.trimmedString(fields[columns.id]) : ""
                row.rejection = (id, "has \(fields.count) fields, the header has \(columns.names.count)")
                return row
            }
            let idRange = trimmed(fields[columns.id])
            row.idRange = idRange
            guard !idRange.isEmpty else {
                row.rejection = ("", "the order id is empty")
                return row
            }
            if bytes[idRange].contains(where: ControlCharacters.isControl) {
                let id = reader.trimmedString(fields[columns.id])
                row.rejection = (id, ControlCharacters.problem(in: id, field: "id") ?? "the id contains a control character")
                return row
            }
            let categoryIndex = categoryEntry(reader, fields[columns.category])
            row.categoryIndex = categoryIndex
            if let problem = categories[categoryIndex].problem {
                row.rejection = (reader.string(idRange), problem)
                return row
            }
            if let problem = receivedAtProblem(reader, fields[columns.receivedAt]) {
                row.rejection = (reader.string(idRange), problem)
                return row
            }
            if addressColumn != nil || !codeColumns.isEmpty {
                row.address = addressColumn.map { reader.trimmedString(fields[$0]) } ?? ""
                for c in codeColumns where row.code.isEmpty { row.code = reader.trimmedString(fields[c]) }
            }
            let (position, problem) =
                plainPosition(fields[columns.lon], fields[columns.lat]).map { ($0, nil) }
                ?? WorkOrderRecord.position(lon: reader.string(fields[columns.lon]), lat: reader.string(fields[columns.lat]))
            guard let position else {
                row.positionProblem = problem ?? "unusable coordinates"
                return row
            }
            let system: Result<CoordinateReferenceSystem, CoordinateError>
            if let c = columns.crs, !reader.isBlank(fields[c]) {
                system = systems.system(reader.trimmedString(fields[c]))
            } else {
                system = defaultSystem
            }
            switch system {
            case .success(let system):
                row.order = orders.count
                orders.append(BlockOrder(position: position, crs: system, route: categories[categoryIndex].route))
            case .failure(let error):
                row.positionProblem = error.description
            }
            return row
        }

        /// Writes one row of a routed block: its assignment, or located by its address, or invalid.
        mutating func finish(_ row: PendingRow, _ assignments: [Assignment], _ reader: CSVReader, _ texts: OutputTexts) {
            if let rejection = row.rejection {
                invalid(texts, line: row.line, id: rejection.id, reason: rejection.reason)
                return
            }
            var assignment: Assignment
            if row.order >= 0 {
                assignment = assignments[row.order]
            } else {
                assignment = Assignment(status: .invalid)
                assignment.invalidReason = row.positionProblem
            }
            let route = categories[row.categoryIndex].route
            var located = AddressRouting.Located(locatedBy: assignment.status == .invalid ? "" : "coordinates")
            // The columns first: binding `addresses` copies the whole struct.
            if addressColumn != nil || !codeColumns.isEmpty, let addresses {
                (assignment, located) = addresses.route(assignment, address: row.address, code: row.code, route: route, router: router)
                if located.isAddressFar { summary.addressFar.append((row.line, reader.string(row.idRange), String(located.match.dropFirst(12)))) }
                if !located.locatedBy.isEmpty && located.locatedBy != "coordinates" { summary.locatedBy[located.locatedBy, default: 0] += 1 }
            }
            if assignment.status == .invalid {
                invalid(texts, line: row.line, id: reader.string(row.idRange), reason: assignment.invalidReason ?? "unusable coordinates")
                return
            }
            if !route.hasRule { categories[row.categoryIndex].withoutRule += 1 }
            statusTally[assignment.status.ordinal] += 1
            writeID(row.idRange, reader)
            write(assignment, located, texts)
        }

        /// Writes the order id as its field: an unquoted id needing no quotes (no `"`, no
        /// carriage return; commas and line feeds cannot occur in it) straight from the input
        /// bytes, any other through the escaping writer.
        mutating func writeID(_ range: Range<Int>, _ reader: CSVReader) {
            if bytes[range.lowerBound] != 0x22 && !bytes[range].contains(where: { $0 == 0x22 || $0 == 0x0D }) {
                bytes.withUnsafeBufferPointer { out.append(escaped: UnsafeBufferPointer(rebasing: $0[range])) }
            } else {
                out.append(field: reader.string(range))
            }
        }

        /// Both coordinates read straight from the bytes when they are plain decimals
        /// (``PlainDecimal``: the same values as the general path), else nil.
        func plainPosition(_ lon: Range<Int>, _ lat: Range<Int>) -> Coordinate? {
            let x = trimmed(lon), y = trimmed(lat)
            return bytes.withUnsafeBufferPointer { b in
                guard let lonValue = PlainDecimal.value(UnsafeBufferPointer(rebasing: b[x])),
                    let latValue = PlainDecimal.value(UnsafeBufferPointer(rebasing: b[y]))
                else { return nil }
                return Coordinate(lonValue, latValue)
            }
        }

        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var lower = range.lowerBound, upper = range.upperBound
            while lower < upper && (bytes[lower] == 0x20 || bytes[lower] == 0x09) { lower += 1 }
            while upper > lower && (bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09) { upper -= 1 }
            return lower ..< upper
        }

        /// Why a row's `received_at` is unusable (as `import orders` says it), or nil when it is
        /// a time. An unquoted field is parsed straight from the bytes.
        func receivedAtProblem(_ reader: CSVReader, _ field: Range<Int>) -> String? {
            let range = trimmed(field)
            if range.isEmpty || bytes[range.lowerBound] != 0x22 {
                let parsed = bytes.withUnsafeBufferPointer { Timestamp.parse(utf8: UnsafeBufferPointer(rebasing: $0[range])) }
                return parsed == nil ? WorkOrderCSV.receivedAtProblem(reader.string(range)) : nil
            }
            let text = reader.trimmedString(field)
            return Timestamp.parse(text) == nil ? WorkOrderCSV.receivedAtProblem(text) : nil
        }

        /// The index in `categories` of a row's category, resolved (and checked for control
        /// characters) once per distinct text in this piece.
        mutating func categoryEntry(_ reader: CSVReader, _ field: Range<Int>) -> Int {
            let range = trimmed(field)
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in bytes[range] { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
            let mask = categorySlots.count - 1
            var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
            while categorySlots[slot] != 0 {
                let k = Int(categorySlots[slot]) - 1
                if categories[k].hash == hash && categories[k].bytes.elementsEqual(bytes[range]) { return k }
                slot = (slot + 1) & mask
            }
            let name = reader.trimmedString(field)
            let route = router.index.categoryRoute(for: name)
            let problem = ControlCharacters.problem(in: name, field: "category")
            categories.append((hash, Array(bytes[range]), name, route, problem, 0))
            categorySlots[slot] = Int32(categories.count)
            if categories.count * 2 > categorySlots.count {
                categorySlots = [Int32](repeating: 0, count: categorySlots.count * 2)
                let mask = categorySlots.count - 1
                for (k, c) in categories.enumerated() {
                    var slot = Int(truncatingIfNeeded: c.hash ^ (c.hash >> 29)) & mask
                    while categorySlots[slot] != 0 { slot = (slot + 1) & mask }
                    categorySlots[slot] = Int32(k + 1)
                }
            }
            return categories.count - 1
        }

        mutating func invalid(_ texts: OutputTexts, line: Int, id: String, reason: String) {
            statusTally[AssignmentStatus.invalid.ordinal] += 1
            summary.invalidRows.append(RejectedRow(row: line, id: id, reason: reason))
            out.append(field: id)
            out.endField()
            texts.append(.invalid, to: &out)
            // cell,cells,street,community,unit: empty; route none; zone, distance_m, points empty.
            out.append(escaped: Self.invalidTail)
            out.endRecord()
        }

        /// `cell,cells,street,community` field by field (an order with several covering cells,
        /// or none).
        mutating func writeCellFields(_ a: Assignment, _ texts: OutputTexts) {
            if let c = a.cell { texts.append(.cellCode, c, to: &out) }
            out.endField()
            if a.status == .inside || a.status == .boundary, let c = a.cell {
                texts.append(.cellCode, c, to: &out)
                for other in a.otherCoveringCells { out.append(byte: 0x3B); texts.append(.cellCode, other, to: &out) }
            }
            out.endField()
            if let c = a.cell {
                texts.append(.street, c, to: &out)
            } else if a.route == .street, let u = a.unit {
                out.append(field: router.index.units[u].area)
            }
            out.endField()
            if let c = a.cell { texts.append(.community, c, to: &out) }
        }

        /// Writes the fields after `id`, in header order.
        mutating func write(_ a: Assignment, _ located: AddressRouting.Located, _ texts: OutputTexts) {
            out.endField()
            texts.append(a.status, to: &out)
            out.endField()
            if let c = a.cell, a.otherCoveringCells.isEmpty {
                texts.append(a.status == .snapped ? .snappedRun : .coveredRun, c, to: &out)
            } else {
                writeCellFields(a, texts)
            }
            out.endField()
            if let u = a.unit { texts.append(.unitID, u, to: &out) } else if let z = a.zone { texts.append(.zoneUnitID, z, to: &out) }
            out.endField()
            switch a.route {
            case .zone(let layer): texts.append(.layerKind, layer, to: &out)
            case .street: out.append(escaped: Self.streetRoute)
            case .none: out.append(escaped: Self.noRoute)
            }
            out.endField()
            if let z = a.zone { texts.append(.zoneID, z, to: &out) }
            out.endField()
            if let d = a.distanceMetres, d.isFinite {
                if d == 0 { out.append(byte: 0x30) } else { out.append(millimetres: d) }
            }
            out.endField()
            if !a.points.isEmpty {
                for (k, p) in a.points.enumerated() {
                    if k > 0 { out.append(byte: 0x3B) }
                    texts.append(.pointID, p, to: &out)
                }
            }
            out.endField()
            if located.match.isEmpty && located.locatedBy == "coordinates" {
                out.append(escaped: Self.byCoordinates)
            } else {
                out.append(field: located.locatedBy)
                out.endField()
                out.append(field: located.match)
            }
            out.endRecord()
        }
    }
}
