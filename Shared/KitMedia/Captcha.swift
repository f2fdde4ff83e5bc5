import Foundation

/// A captcha challenge: the expected answer and its picture as PNG bytes.
public struct Captcha: Sendable {
    public let answer: String
    public let png: [UInt8]

    public init(answer: String, png: [UInt8]) {
        self.answer = answer
        self.png = png
    }
}

/// Draws captcha images: glyphs from the built-in stroke font, each scaled, rotated, sheared, offset
/// and coloured at random, over a light gradient with noise curves and dots.
public enum CaptchaRenderer {
    /// Characters a captcha answer should be drawn from: no 0/O, 1/I/L look-alikes.
    public static let alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

    /// A random answer of `length` characters (clamped to 4...6) from `alphabet`.
    /// `random(n)` must return a value in 0..<n; use a cryptographic source in production,
    /// e.g. `{ Int.random(in: 0..<$0, using: &generator) }` with `SystemRandomNumberGenerator`.
    public static func randomAnswer(length: Int = 5, random: (Int) -> Int) -> String {
        let chars = Array(alphabet)
        let n = max(4, min(6, length))
        return String((0..<n).map { _ in chars[clampedRandom(random, chars.count)] })
    }

    /// Renders `answer` and returns it together with its PNG.
    public static func captcha(answer: String, width: Int = 120, height: Int = 40, random: (Int) -> Int) -> Captcha {
        Captcha(answer: answer, png: render(answer: answer, width: width, height: height, random: random))
    }

    /// Renders `answer` (meant to be 4–6 characters of `alphabet`; lower case is drawn as upper case,
    /// characters without a glyph leave an empty slot) as a width × height PNG (RGB, 8-bit).
    /// All randomness comes from `random(n)`, expected in 0..<n (out-of-range results are clamped),
    /// so a fixed sequence gives a byte-identical image. Width and height are raised to at least 16 × 8.
    public static func render(answer: String, width: Int = 120, height: Int = 40, random: (Int) -> Int) -> [UInt8] {
        let w = max(16, width), h = max(8, height)
        func rnd(_ n: Int) -> Int { clampedRandom(random, n) }
        func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * Double(rnd(10_001)) / 10_000 }
        func color(_ lo: Int, _ hi: Int) -> CaptchaCanvas.Color {
            CaptchaCanvas.Color(r: UInt8(lo + rnd(hi - lo + 1)), g: UInt8(lo + rnd(hi - lo + 1)), b: UInt8(lo + rnd(hi - lo + 1)))
        }
        let W = Double(w), H = Double(h)

        var canvas = CaptchaCanvas(width: w, height: h, background: CaptchaCanvas.Color(r: 255, g: 255, b: 255))
        canvas.fillGradient(color(222, 255), color(222, 255))

        // Noise curves behind the text: cubic Béziers across the picture.
        func curve() -> [StrokeFont.Point] {
            let p0 = StrokeFont.Point(x: uniform(-0.05, 0.2) * W, y: uniform(0.1, 0.9) * H)
            let p1 = StrokeFont.Point(x: uniform(0.2, 0.45) * W, y: uniform(-0.3, 1.3) * H)
            let p2 = StrokeFont.Point(x: uniform(0.55, 0.8) * W, y: uniform(-0.3, 1.3) * H)
            let p3 = StrokeFont.Point(x: uniform(0.8, 1.05) * W, y: uniform(0.1, 0.9) * H)
            let steps = max(16, w / 3)
            return (0...steps).map { i in
                let t = Double(i) / Double(steps), u = 1 - t
                let a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t
                return StrokeFont.Point(x: a * p0.x + b * p1.x + c * p2.x + d * p3.x,
                                        y: a * p0.y + b * p1.y + c * p2.y + d * p3.y)
            }
        }
        let lineScale = H / 40
        for _ in 0..<(2 + rnd(2)) {
            canvas.stroke([curve()], radius: uniform(0.45, 0.8) * lineScale, color: color(90, 200))
        }

        // Glyphs.
        let characters = Array(answer)
        let n = max(1, characters.count)
        let margin = W * 0.05
        let cell = (W - 2 * margin) / Double(n)
        let baseScale = min(H * 0.62 / StrokeFont.gridHeight, cell * 0.72 / StrokeFont.gridWidth)
        for (i, character) in characters.enumerated() {
            let glyphColor = color(0, 125)
            let s = baseScale * uniform(0.9, 1.06)
            let radius = max(0.9, s * 0.55)
            let angle = uniform(-0.24, 0.24)
            let shear = uniform(-0.2, 0.2)
            let cx = margin + cell * (Double(i) + 0.5) + uniform(-0.07, 0.07) * cell
            let slack = max(0, (H - StrokeFont.gridHeight * s) / 2 - radius - 1)
            let cy = H / 2 + uniform(-0.6, 0.6) * slack
            guard let strokes = StrokeFont.glyph(for: character) else { continue }
            let cosA = cos(angle), sinA = sin(angle)
            let placed = strokes.map { line in
                line.map { pt -> StrokeFont.Point in
                    let u = (pt.x - StrokeFont.gridWidth / 2) * s
                    let v = (pt.y - StrokeFont.gridHeight / 2) * s
                    let us = u - shear * v
                    return StrokeFont.Point(x: cx + us * cosA - v * sinA, y: cy + us * sinA + v * cosA)
                }
            }
            canvas.stroke(placed, radius: radius, color: glyphColor)
        }

        // One thin curve over the text, then dots.
        canvas.stroke([curve()], radius: 0.5 * lineScale, color: color(40, 160), opacity: 0.85)
        for _ in 0..<(w * h / 28) {
            let x = rnd(w), y = rnd(h)
            canvas.blend(x: x, y: y, color(0, 255), alpha: uniform(0.35, 0.9))
        }
        return PNGEncoder.encodeRGB(width: w, height: h, pixels: canvas.pixels)
    }

    static func clampedRandom(_ random: (Int) -> Int, _ n: Int) -> Int {
        guard n > 1 else { return 0 }
        return min(n - 1, max(0, random(n)))
    }
}
