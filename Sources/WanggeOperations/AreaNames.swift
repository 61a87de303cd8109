import WanggeCore

/// Names of the areas a code stands for, as the stored layers give them.
package enum AreaNames {
    /// A cell as people name it: "community · street · 第N网格" (N: the cell code's 3-digit
    /// sequence within its community), the parts that are unknown left out.
    package static func cellLabel(code: String, community: String, street: String) -> String {
        var parts = [community, street].filter { !$0.isEmpty }
        if let n = CellCode(code).sequence { parts.append("第\(n)网格") } else { parts.append(code) }
        return parts.joined(separator: " · ")
    }

    /// Street code → street name, from the cells (their `street_name`).
    package static func streets(_ district: District) -> [(String, String)] {
        var names: [String: String] = [:]
        for c in district.cells where names[c.streetCode] == nil || names[c.streetCode]!.isEmpty { names[c.streetCode] = c.streetName }
        return names.map { ($0.key, $0.value) }
    }
}
