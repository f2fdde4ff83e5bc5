import Foundation

/// A small RGB raster with anti-aliased thick strokes; used by the captcha renderer.
struct CaptchaCanvas {
    struct Color: Sendable { var r: UInt8; var g: UInt8; var b: UInt8 }
    typealias Point = StrokeFont.Point

    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int, background: Color) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            pixels[i * 3] = background.r; pixels[i * 3 + 1] = background.g; pixels[i * 3 + 2] = background.b
        }
    }

    /// Horizontal gradient from `left` to `right`.
    mutating func fillGradient(_ left: Color, _ right: Color) {
        for x in 0..<width {
            let t = width > 1 ? Double(x) / Double(width - 1) : 0
            let c = Color(r: mix(left.r, right.r, t), g: mix(left.g, right.g, t), b: mix(left.b, right.b, t))
            for y in 0..<height {
                let i = (y * width + x) * 3
                pixels[i] = c.r; pixels[i + 1] = c.g; pixels[i + 2] = c.b
            }
        }
    }

    /// Blends `color` into one pixel with opacity `alpha` (0...1); out-of-range coordinates are ignored.
    mutating func blend(x: Int, y: Int, _ color: Color, alpha: Double) {
        guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
        let a = min(1, alpha)
        let i = (y * width + x) * 3
        pixels[i] = mix(pixels[i], color.r, a)
        pixels[i + 1] = mix(pixels[i + 1], color.g, a)
        pixels[i + 2] = mix(pixels[i + 2], color.b, a)
    }

    /// Draws connected polylines `radius` pixels thick (half width) with anti-aliased edges.
    /// Coverage is the maximum over all segments, so joints are not darkened twice.
    mutating func stroke(_ polylines: [[Point]], radius: Double, color: Color, opacity: Double = 1) {
        var segments: [(Point, Point)] = []
        for line in polylines {
            if line.count == 1 { segments.append((line[0], line[0])) }
            for k in 1..<max(1, line.count) { segments.append((line[k - 1], line[k])) }
        }
        guard !segments.isEmpty else { return }
        let pad = radius + 1
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for (a, b) in segments {
            minX = min(minX, a.x, b.x); maxX = max(maxX, a.x, b.x)
            minY = min(minY, a.y, b.y); maxY = max(maxY, a.y, b.y)
        }
        let x0 = max(0, Int((minX - pad).rounded(.down))), x1 = min(width - 1, Int((maxX + pad).rounded(.up)))
        let y0 = max(0, Int((minY - pad).rounded(.down))), y1 = min(height - 1, Int((maxY + pad).rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            let py = Double(y) + 0.5
            for x in x0...x1 {
                let px = Double(x) + 0.5
                var coverage = 0.0
                for (a, b) in segments {
                    if px < min(a.x, b.x) - pad || px > max(a.x, b.x) + pad
                        || py < min(a.y, b.y) - pad || py > max(a.y, b.y) + pad { continue }
                    let d = CaptchaCanvas.distance(px, py, a, b)
                    coverage = max(coverage, min(1, max(0, radius + 0.5 - d)))
                    if coverage >= 1 { break }
                }
                if coverage > 0 { blend(x: x, y: y, color, alpha: coverage * opacity) }
            }
        }
    }

    private static func distance(_ px: Double, _ py: Double, _ a: Point, _ b: Point) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let len2 = dx * dx + dy * dy
        var t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0
        t = max(0, min(1, t))
        let qx = a.x + t * dx - px, qy = a.y + t * dy - py
        return (qx * qx + qy * qy).squareRoot()
    }

    private func mix(_ a: UInt8, _ b: UInt8, _ t: Double) -> UInt8 {
        UInt8(max(0, min(255, (Double(a) + (Double(b) - Double(a)) * t).rounded())))
    }
}
