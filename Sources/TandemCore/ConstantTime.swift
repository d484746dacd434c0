/// Comparisons whose time does not depend on where two secrets differ.
public enum ConstantTime {
    /// Whether `left` and `right` hold the same bytes, looking at every byte whatever it finds.
    /// (Only the lengths, which are not secret here, decide early.)
    public static func equal(_ left: some StringProtocol, _ right: some StringProtocol) -> Bool {
        let (left, right) = (Array(left.utf8), Array(right.utf8))
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
