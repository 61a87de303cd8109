import WanggeCore

/// The two answer formats of Open311 GeoReport v2, chosen by the resource's extension
/// (`services.json`, `services.xml`): a list of records is a JSON array of objects, or an XML
/// root element holding one element per record with one child per field.
enum Open311Format: String, CaseIterable, Sendable {
    case json, xml

    var contentType: String { self == .json ? "application/json; charset=utf-8" : "text/xml; charset=utf-8" }

    /// A field's value: text, a number, a boolean, or none (JSON null, an empty XML element).
    enum Value: Sendable {
        case text(String)
        case number(Double)
        case bool(Bool)
        case null

        /// Text, or none when empty.
        static func optional(_ s: String?) -> Value { s.map { $0.isEmpty ? .null : .text($0) } ?? .null }
    }

    /// One record: its fields in the order the specification lists them.
    typealias Record = [(name: String, value: Value)]

    /// `records` as a JSON array, or as `<root><element>…</element>…</root>`.
    func render(_ records: [Record], root: String, element: String) -> String {
        switch self {
        case .json:
            return JSONValue.array(records.map { Self.json($0) }).jsonText + "\n"
        case .xml:
            var xml = XMLText()
            xml.open(root)
            for record in records {
                xml.open(element)
                for (name, value) in record { xml.element(name, value) }
                xml.close(element)
            }
            xml.close(root)
            return xml.text
        }
    }

    static func json(_ record: Record) -> JSONValue {
        var o: [String: JSONValue] = [:]
        for (name, value) in record {
            switch value {
            case .text(let s): o[name] = .string(s)
            case .number(let d): o[name] = .number(d)
            case .bool(let b): o[name] = .bool(b)
            case .null: o[name] = .null
            }
        }
        return .object(o)
    }
}

/// A small XML writer: the declaration, nested elements, text escaped (`& < > " '`) and
/// characters XML 1.0 cannot hold (C0 controls but tab and line breaks) left out.
struct XMLText {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"

    mutating func open(_ name: String) { text += "<\(name)>" }
    mutating func close(_ name: String) { text += "</\(name)>" }

    /// `<name>value</name>`, or `<name/>` for no value.
    mutating func element(_ name: String, _ value: Open311Format.Value) {
        switch value {
        case .null: text += "<\(name)/>"
        case .text(let s): text += "<\(name)>\(Self.escape(s))</\(name)>"
        case .number(let d): text += "<\(name)>\(JSONValue.number(d).jsonText)</\(name)>"
        case .bool(let b): text += "<\(name)>\(b)</\(name)>"
        }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
