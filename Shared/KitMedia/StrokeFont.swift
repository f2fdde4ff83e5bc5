import Foundation

/// A built-in single-stroke vector font for the captcha: every glyph is a set of polylines on an
/// 8 × 12 grid (x right, y down). Strokes scale, rotate and shear without the blockiness of a bitmap font.
/// Covers A–Z and 0–9 (lower-case letters map to upper case); the captcha alphabet avoids the look-alikes
/// I, L, O, 0 and 1, which are included only so that any answer renders.
enum StrokeFont {
    struct Point: Sendable { var x: Double; var y: Double }
    typealias Polyline = [Point]

    static let gridWidth = 8.0
    static let gridHeight = 12.0

    /// The strokes of `character`, or nil if the font has no such glyph.
    static func glyph(for character: Character) -> [Polyline]? {
        guard let scalar = String(character).uppercased().unicodeScalars.first,
              String(character).unicodeScalars.count == 1 else { return nil }
        return glyphs[Character(scalar)]
    }

    private static func p(_ x: Double, _ y: Double) -> Point { Point(x: x, y: y) }

    /// Points along an elliptical arc centred on (cx, cy); angles in degrees, 0° = +x, 90° = +y (down),
    /// so increasing angles run clockwise on screen. `from` may be larger than `to`.
    private static func arc(_ cx: Double, _ cy: Double, _ rx: Double, _ ry: Double,
                            _ from: Double, _ to: Double) -> Polyline {
        let steps = max(4, Int((abs(to - from) / 12).rounded(.up)))
        return (0...steps).map { i in
            let a = (from + (to - from) * Double(i) / Double(steps)) * Double.pi / 180
            return p(cx + rx * cos(a), cy + ry * sin(a))
        }
    }

    private static let glyphs: [Character: [Polyline]] = [
        "A": [[p(0, 12), p(4, 0), p(8, 12)], [p(1.4, 7.8), p(6.6, 7.8)]],
        "B": [[p(0, 6), p(0, 0), p(4.5, 0)] + arc(4.5, 3, 3, 3, 270, 450) + [p(0, 6)],
              [p(4.5, 6)] + arc(5, 9, 3, 3, 270, 450) + [p(0, 12), p(0, 6)]],
        "C": [arc(4.3, 6, 4.3, 6, 320, 40)],
        "D": [[p(3, 0), p(0, 0), p(0, 12), p(3, 12)] + arc(3, 6, 5, 6, 90, -90)],
        "E": [[p(8, 0), p(0, 0), p(0, 12), p(8, 12)], [p(0, 6), p(6, 6)]],
        "F": [[p(8, 0), p(0, 0), p(0, 12)], [p(0, 6), p(6, 6)]],
        "G": [arc(4.3, 6, 4.3, 6, 315, 30) + [p(8.3, 6.8), p(4.6, 6.8)]],
        "H": [[p(0, 0), p(0, 12)], [p(8, 0), p(8, 12)], [p(0, 6), p(8, 6)]],
        "I": [[p(4, 0), p(4, 12)], [p(1.5, 0), p(6.5, 0)], [p(1.5, 12), p(6.5, 12)]],
        "J": [[p(3, 0), p(8, 0), p(8, 8)] + arc(4.5, 8, 3.5, 4, 0, 170)],
        "K": [[p(0, 0), p(0, 12)], [p(8, 0), p(0, 7.5)], [p(2.8, 5.2), p(8, 12)]],
        "L": [[p(0, 0), p(0, 12), p(8, 12)]],
        "M": [[p(0, 12), p(0, 0), p(4, 8), p(8, 0), p(8, 12)]],
        "N": [[p(0, 12), p(0, 0), p(8, 12), p(8, 0)]],
        "O": [arc(4, 6, 4, 6, 0, 360)],
        "P": [[p(0, 12), p(0, 0), p(4.5, 0)] + arc(4.5, 3.25, 3.5, 3.25, 270, 450) + [p(0, 6.5)]],
        "Q": [arc(4, 6, 4, 6, 0, 360), [p(4.8, 8.2), p(8.6, 12.6)]],
        "R": [[p(0, 12), p(0, 0), p(4.5, 0)] + arc(4.5, 3.25, 3.5, 3.25, 270, 450) + [p(0, 6.5)],
              [p(3.8, 6.5), p(8, 12)]],
        "S": [arc(4, 3, 3.8, 3, 330, 90) + arc(4, 9, 4, 3, 270, 510)],
        "T": [[p(0, 0), p(8, 0)], [p(4, 0), p(4, 12)]],
        "U": [[p(0, 0), p(0, 8)] + arc(4, 8, 4, 4, 180, 0) + [p(8, 0)]],
        "V": [[p(0, 0), p(4, 12), p(8, 0)]],
        "W": [[p(-0.5, 0), p(1.8, 12), p(4, 3.5), p(6.2, 12), p(8.5, 0)]],
        "X": [[p(0, 0), p(8, 12)], [p(8, 0), p(0, 12)]],
        "Y": [[p(0, 0), p(4, 6), p(8, 0)], [p(4, 6), p(4, 12)]],
        "Z": [[p(0, 0), p(8, 0), p(0, 12), p(8, 12)]],
        "0": [arc(4, 6, 4, 6, 0, 360), [p(6.8, 1.8), p(1.2, 10.2)]],
        "1": [[p(1.5, 2.5), p(4.5, 0), p(4.5, 12)], [p(1.5, 12), p(7.5, 12)]],
        "2": [arc(4, 3.6, 3.8, 3.6, 195, 380) + [p(0, 12), p(8, 12)]],
        "3": [arc(4, 3, 3.6, 3, 200, 450) + arc(4, 9, 4, 3, 270, 520), [p(2.5, 6), p(4, 6)]],
        "4": [[p(6, 12), p(6, 0), p(0, 8.5), p(8.5, 8.5)]],
        "5": [[p(7.5, 0), p(1, 0), p(0.7, 5.8)] + arc(4, 8.4, 4, 3.6, 228, 510)],
        "6": [arc(4.6, 6, 4.6, 6, 290, 180) + arc(4, 8.4, 4, 3.6, 180, 540)],
        "7": [[p(0, 0), p(8, 0), p(3, 12)]],
        "8": [arc(4, 3, 3.4, 3, 90, 450), arc(4, 9, 4, 3, 270, 630)],
        "9": [arc(4, 3.6, 4, 3.6, 0, 360) + arc(3.4, 6, 4.6, 6, 0, 110)],
    ]
}
