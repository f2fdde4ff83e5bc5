import Foundation

/// Document information dictionary values.
public struct PDFDocumentInfo: Sendable {
    public var title: String?
    public var author: String?
    public var subject: String?
    public var keywords: String?
    public var creator: String?
    public var producer: String
    public var creationDate: Date?
    /// Time zone used to write `/CreationDate`.
    public var timeZone: TimeZone
    /// Natural language of the document (catalog `/Lang`), e.g. "zh-CN".
    public var language: String?

    public init(title: String? = nil, author: String? = nil, subject: String? = nil, keywords: String? = nil,
                creator: String? = nil, producer: String = "KitPDF", creationDate: Date? = nil,
                timeZone: TimeZone = TimeZone(identifier: "UTC")!, language: String? = nil) {
        self.title = title; self.author = author; self.subject = subject; self.keywords = keywords
        self.creator = creator; self.producer = producer; self.creationDate = creationDate
        self.timeZone = timeZone; self.language = language
    }
}

/// A PDF document: pages plus metadata. Rendering embeds a subset of every font used.
/// Output is deterministic: the same pages and info always give the same bytes.
public struct PDFDocument: Sendable {
    public var info: PDFDocumentInfo
    public var pages: [PDFPage]

    public init(info: PDFDocumentInfo = PDFDocumentInfo(), pages: [PDFPage] = []) {
        self.info = info
        self.pages = pages
    }

    public mutating func addPage(_ page: PDFPage) { pages.append(page) }

    /// The complete PDF file.
    public func render() -> [UInt8] {
        var writer = PDFObjectWriter(version: "1.7")
        let catalog = writer.allocate(), pageTree = writer.allocate()
        let pages = self.pages.isEmpty ? [PDFPage()] : self.pages

        // Fonts in first-use order across the document, with the glyphs each one needs.
        var usages: [FontUsage] = []
        var usageIndex: [ObjectIdentifier: Int] = [:]
        for page in pages {
            for case .text(let run) in page.operations {
                let key = ObjectIdentifier(run.font)
                if usageIndex[key] == nil { usageIndex[key] = usages.count; usages.append(FontUsage(font: run.font)) }
                usages[usageIndex[key]!].record(glyphs: run.glyphs, scalars: run.scalars)
            }
        }
        var fontNames: [ObjectIdentifier: String] = [:]
        var fontObjects: [ObjectIdentifier: Int] = [:]
        for (i, usage) in usages.enumerated() {
            let key = ObjectIdentifier(usage.font)
            fontNames[key] = "F\(i + 1)"
            fontObjects[key] = usage.write(to: &writer)
        }

        var kids: [PDFValue] = []
        for page in pages {
            let pageObject = writer.allocate(), content = writer.allocate()
            kids.append(.reference(pageObject))
            var fontResources = PDFDictionary()
            for font in page.fonts {
                let key = ObjectIdentifier(font)
                fontResources[fontNames[key]!] = .reference(fontObjects[key]!)
            }
            var resources: PDFDictionary = ["ProcSet": .array([.name("PDF"), .name("Text")])]
            if !fontResources.entries.isEmpty { resources["Font"] = .dictionary(fontResources) }
            writer.write(pageObject, .dictionary([
                "Type": .name("Page"), "Parent": .reference(pageTree),
                "MediaBox": .numbers([0, 0, page.size.width, page.size.height]),
                "Resources": .dictionary(resources), "Contents": .reference(content),
            ]))
            writer.writeStream(content, data: page.contentStream(fontNames: fontNames))
        }
        writer.write(pageTree, .dictionary(["Type": .name("Pages"), "Kids": .array(kids), "Count": .int(kids.count)]))
        var catalogDict: PDFDictionary = ["Type": .name("Catalog"), "Pages": .reference(pageTree)]
        if let language = info.language { catalogDict["Lang"] = .text(language) }
        writer.write(catalog, .dictionary(catalogDict))

        let infoObject = writer.allocate()
        var infoDict = PDFDictionary()
        if let v = info.title { infoDict["Title"] = .text(v) }
        if let v = info.author { infoDict["Author"] = .text(v) }
        if let v = info.subject { infoDict["Subject"] = .text(v) }
        if let v = info.keywords { infoDict["Keywords"] = .text(v) }
        if let v = info.creator { infoDict["Creator"] = .text(v) }
        infoDict["Producer"] = .text(info.producer)
        if let date = info.creationDate {
            let d = PDFDocument.pdfDate(date, timeZone: info.timeZone)
            infoDict["CreationDate"] = .string(Array(d.utf8))
            infoDict["ModDate"] = .string(Array(d.utf8))
        }
        writer.write(infoObject, .dictionary(infoDict))

        var idHash1 = FNV1a(), idHash2 = FNV1a(seed: 0x84222325CBF29CE4)
        idHash1.combine(writer.bytes); idHash2.combine(writer.bytes.reversed())
        var id: [UInt8] = []
        for v in [idHash1.value, idHash2.value] {
            for shift in stride(from: 56, through: 0, by: -8) { id.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
        }
        return writer.finish(root: catalog, info: infoObject, id: id)
    }

    /// The complete PDF file as `Data`.
    public func renderData() -> Data { Data(render()) }

    /// A PDF date string, e.g. `D:20250102030405+08'00'`.
    public static func pdfDate(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String { String(v ?? 0).leftPadded(to: 2) }
        var s = "D:\(String(c.year ?? 1970).leftPadded(to: 4))\(two(c.month))\(two(c.day))\(two(c.hour))\(two(c.minute))\(two(c.second))"
        let offset = timeZone.secondsFromGMT(for: date)
        if offset == 0 {
            s += "Z"
        } else {
            let m = abs(offset) / 60
            s += "\(offset < 0 ? "-" : "+")\(two(m / 60))'\(two(m % 60))'"
        }
        return s
    }
}
