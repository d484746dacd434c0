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

    /// A socket bound to `port` (0: a port the system picks), not listening: connections to that
    /// port are refused until the caller closes the descriptor. A port the system picks is taken by
    /// no one else meanwhile. A given `port` is bound with SO_REUSEADDR, as a server binds it (a
    /// port a server just closed may still have connections in TIME_WAIT), so another socket that
    /// sets it too could still bind that port; the system does not pick it for others.
    public static func bound(port: Int = 0) -> (descriptor: Int32, port: Int)? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        if port != 0 {
            var one: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
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
