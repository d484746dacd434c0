import Foundation
import Testing

/// The W3C eddsa-jcs-2022 test vectors, copied into this target's resources.
enum W3CVector {
    static func text(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Vectors/eddsa-jcs-2022/\(name)", withExtension: nil))
        return String(decoding: try Data(contentsOf: url), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
