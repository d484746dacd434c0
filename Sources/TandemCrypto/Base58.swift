/// Base58 with the Bitcoin alphabet (`base58btc`), as multibase's `z` prefix uses it.
public enum Base58 {
    static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = Int8(index) }
        return table
    }()

    public static func encode(_ bytes: [UInt8]) -> String {
        let zeros = bytes.prefix { $0 == 0 }.count
        var digits: [UInt8] = []  // base-58 digits, least significant first
        for byte in bytes {
            var carry = Int(byte)
            for index in digits.indices {
                carry += Int(digits[index]) << 8
                digits[index] = UInt8(carry % 58)
                carry /= 58
            }
            while carry > 0 {
                digits.append(UInt8(carry % 58))
                carry /= 58
            }
        }
        let encoded = [UInt8](repeating: alphabet[0], count: zeros) + digits.reversed().map { alphabet[Int($0)] }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// The bytes of a base58btc string; nil when a character is outside the alphabet.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        let zeros = characters.prefix { $0 == alphabet[0] }.count
        var bytes: [UInt8] = []  // base-256, least significant first
        for character in characters {
            guard character < 128, case let value = values[Int(character)], value >= 0 else { return nil }
            var carry = Int(value)
            for index in bytes.indices {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.append(UInt8(carry & 0xFF))
                carry >>= 8
            }
        }
        return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
    }
}

/// Multibase with the one base this project speaks: `z` + base58btc.
public enum Multibase {
    public static func encode(_ bytes: [UInt8]) -> String { "z" + Base58.encode(bytes) }

    public static func decode(_ text: String) throws(CryptoError) -> [UInt8] {
        guard let first = text.first else { throw .encoding("empty multibase value") }
        guard first == "z" else { throw .encoding("unsupported multibase prefix '\(first)' (only 'z', base58btc, is supported)") }
        guard let bytes = Base58.decode(String(text.dropFirst())) else {
            throw .encoding("invalid base58btc character in multibase value")
        }
        return bytes
    }
}
