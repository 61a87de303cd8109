import WanggeCore

extension WanggeStore {
    /// The district's index over the stored layers. The cells' search structures saved beside
    /// them (`derived_indexes.cell_search`) are reused when they were built from exactly these
    /// cells (``DistrictIndex/init(district:savedCellSearch:)`` checks); otherwise they are built,
    /// and saved for the next process unless the store is read-only.
    public func loadDistrictIndex() throws -> DistrictIndex {
        // PROJ's first transformation is made on another core while the layers are read.
        MetricProjection.prepare()
        return try districtIndex(for: try loadDistrict())
    }

    /// The index of `district`, which must be this store's layers as ``loadDistrict()`` read
    /// them, reusing or saving the cells' search structures as ``loadDistrictIndex()`` does.
    /// Inside a transaction, the saved bytes commit or roll back with it.
    public func districtIndex(for district: District) throws -> DistrictIndex {
        let index = try DistrictIndex(district: district, savedCellSearch: try savedCellSearch())
        if !index.reusedCellSearch && !database.isReadOnly && !index.cells.isEmpty {
            try database.prepare("INSERT OR REPLACE INTO derived_indexes (name, bytes) VALUES ('cell_search', ?1)")
                .run([.blob(index.cellSearchImage())])
        }
        return index
    }

    /// The saved bytes of the cells' search structures, if any.
    func savedCellSearch() throws -> [UInt8]? {
        guard case .blob(let bytes) = try database.scalar("SELECT bytes FROM derived_indexes WHERE name = 'cell_search'") else { return nil }
        return bytes
    }
}
