#if canImport(Glibc)
import Glibc
#endif

/// TCP ports on 127.0.0.1 for nodes whose address must be written in a cohort directory before
/// they start (tests, the benchmark).
public enum LoopbackPort {
    /// A port free at the time of the call (bound, read back, released).
    public static func free() -> Int? {
        guard let socket = bound() else { return nil }
        close(socket.descriptor)
        return socket.port
    }

    /// A socket bound to a port the system picks, not listening: connections to that port are
    /// refused, and no one else can take it, until the caller closes the descriptor.
    public static func bound() -> (descriptor: Int32, port: Int)? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else {
            close(descriptor)
            return nil
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}
