import Foundation

extension RegistrationOutcome {
    /// An opinion quoted inside an SMS sentence: without its own closing punctuation (the
    /// sentence adds "。"), so "材料不全。" never ends the message in "。。"; "无" when empty.
    static func sentence(_ opinion: String?) -> String {
        let closing: Set<Character> = ["。", ".", "！", "!", "；", ";", "，", ",", " ", "\n", "\r", "\t", "　"]
        var text = Substring(opinion ?? "")
        while let last = text.last, closing.contains(last) { text = text.dropLast() }
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        return text.isEmpty ? "无" : String(text)
    }
}
