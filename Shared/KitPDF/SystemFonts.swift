import Foundation

/// Locating an installed CJK TrueType font.
public enum SystemFonts {
    /// Known install locations of WenQuanYi Zen Hei (face 0 of the collection), by distribution.
    public static let cjkCandidates: [(path: String, faceIndex: Int)] = [
        ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),              // Debian, Ubuntu (fonts-wqy-zenhei)
        ("/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc", 0),                // Fedora, RHEL (wqy-zenhei-fonts)
        ("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc", 0),      // Arch (wqy-zenhei)
        ("/usr/share/fonts/TTF/wqy-zenhei.ttc", 0),
        ("/usr/local/share/fonts/wqy-zenhei.ttc", 0),
    ]

    /// The CJK font to use: `$KITPDF_CJK_FONT` (with optional `$KITPDF_CJK_FONT_INDEX`) if set,
    /// otherwise the first candidate that exists. Loaded once and cached process-wide.
    public static func cjkFont() throws -> TrueTypeFont {
        let env = ProcessInfo.processInfo.environment
        if let path = env["KITPDF_CJK_FONT"], !path.isEmpty {
            return try TrueTypeFont.cached(path: path, faceIndex: Int(env["KITPDF_CJK_FONT_INDEX"] ?? "") ?? 0)
        }
        for candidate in cjkCandidates where FileManager.default.fileExists(atPath: candidate.path) {
            return try TrueTypeFont.cached(path: candidate.path, faceIndex: candidate.faceIndex)
        }
        throw TrueTypeFont.Error.unreadableFile(
            path: cjkCandidates[0].path,
            reason: "no CJK font found; install fonts-wqy-zenhei or set KITPDF_CJK_FONT")
    }
}
