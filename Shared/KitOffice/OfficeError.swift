/// Every refusal of the office parsers (CSV, ZIP, XML, XLSX). `code` is a stable snake_case name for the
/// JSON error body; `message` is the Chinese text shown to the user.
public enum OfficeError: Error, Equatable, Sendable {
    // Text and CSV.
    case unknownEncoding
    case csvUnterminatedQuote(line: Int)
    case csvFieldTooLong(line: Int, limit: Int)
    case tooManyRows(limit: Int)
    // ZIP.
    case zipCorrupt(String)
    case zipEncrypted(String)
    case zipUnsafeName(String)
    case zipDuplicateName(String)
    case zip64Unsupported
    case zipTooManyEntries(limit: Int)
    case zipUnsupportedMethod(Int)
    case zipCRCMismatch(String)
    case zipBomb(String)
    // XML.
    case xmlMalformed(String)
    case xmlDoctype
    case xmlTooDeep(limit: Int)
    case xmlTooLarge
    // XLSX.
    case xlsxEncrypted
    /// An OLE compound file without an encrypted package: the old binary .xls format.
    case xlsLegacy
    case xlsxNotWorkbook
    case xlsxMissingPart(String)
    case xlsxMalformed(String)
    case tooManyColumns(limit: Int)

    public var code: String {
        switch self {
        case .unknownEncoding: return "unknown_encoding"
        case .csvUnterminatedQuote: return "csv_unterminated_quote"
        case .csvFieldTooLong: return "csv_field_too_long"
        case .tooManyRows: return "too_many_rows"
        case .zipCorrupt: return "zip_corrupt"
        case .zipEncrypted: return "zip_encrypted"
        case .zipUnsafeName: return "zip_unsafe_name"
        case .zipDuplicateName: return "zip_duplicate_name"
        case .zip64Unsupported: return "zip64_unsupported"
        case .zipTooManyEntries: return "zip_too_many_entries"
        case .zipUnsupportedMethod: return "zip_unsupported_method"
        case .zipCRCMismatch: return "zip_crc_mismatch"
        case .zipBomb: return "zip_bomb"
        case .xmlMalformed: return "xml_malformed"
        case .xmlDoctype: return "xml_doctype"
        case .xmlTooDeep: return "xml_too_deep"
        case .xmlTooLarge: return "xml_too_large"
        case .xlsxEncrypted: return "xlsx_encrypted"
        case .xlsLegacy: return "xls_legacy"
        case .xlsxNotWorkbook: return "xlsx_not_workbook"
        case .xlsxMissingPart: return "xlsx_missing_part"
        case .xlsxMalformed: return "xlsx_malformed"
        case .tooManyColumns: return "too_many_columns"
        }
    }

    public var message: String {
        switch self {
        case .unknownEncoding: return "无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV"
        case .csvUnterminatedQuote(let line): return "CSV 第 \(line) 行的引号未闭合"
        case .csvFieldTooLong(let line, let limit): return "CSV 第 \(line) 行有单元格超过 \(limit) 字节"
        case .tooManyRows(let limit): return "行数超过上限 \(limit) 行"
        case .zipCorrupt(let what): return "文件已损坏或不是有效的 xlsx（\(what)）"
        case .zipEncrypted: return "文件已加密，请取消密码后再上传"
        case .zipUnsafeName: return "压缩包内含不安全的文件路径"
        case .zipDuplicateName: return "压缩包内含重复的文件名"
        case .zip64Unsupported: return "不支持 ZIP64 格式的大文件"
        case .zipTooManyEntries(let limit): return "压缩包内文件数超过上限 \(limit)"
        case .zipUnsupportedMethod: return "压缩包使用了不支持的压缩方式"
        case .zipCRCMismatch: return "文件已损坏（校验和不符）"
        case .zipBomb: return "文件解压后过大，已拒绝"
        case .xmlMalformed: return "文件内容格式错误"
        case .xmlDoctype: return "文件含有不允许的 DOCTYPE 声明"
        case .xmlTooDeep: return "文件结构嵌套过深"
        case .xmlTooLarge: return "文件内容过大"
        case .xlsxEncrypted: return "工作簿已加密，请取消密码后再上传"
        case .xlsLegacy: return "不支持旧版 .xls 格式，请在 Excel 中另存为 .xlsx 后上传"
        case .xlsxNotWorkbook: return "文件不是有效的 xlsx 工作簿"
        case .xlsxMissingPart(let part): return "工作簿缺少必需的部件（\(part)）"
        case .xlsxMalformed: return "工作簿内容格式错误"
        case .tooManyColumns(let limit): return "列数超过上限 \(limit) 列"
        }
    }
}

extension OfficeError: CustomStringConvertible {
    public var description: String { "\(code): \(message)" }
}
