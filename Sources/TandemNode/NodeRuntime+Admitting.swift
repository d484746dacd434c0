import TandemCore
import TandemStore

/// A document of a file that admission refused: its line and why. Nothing of the file was stored.
public struct ImportRefusal: Error, CustomStringConvertible, Sendable {
    public let line: Int
    public let rejection: Rejection
    public var description: String { "line \(line): \(rejection.detail)" }
}

/// What running admission again on the quarantine did.
public struct QuarantineRetry: Sendable, Equatable {
    /// The documents that now pass, under the version rule (a conflicting one stays in quarantine).
    public var stored: StoreTally
    /// Those that still fail admission, and stay in quarantine.
    public var stillRefused: Int
}

extension NodeRuntime {
    /// Stores the documents of a file (`tandem import`) when every one passes admission as a local
    /// source: this node's own records only with its own keys, others only from members with
    /// theirs. One refusal stores nothing.
    public func importDocuments(_ documents: [(line: Int, value: JSONValue)]) async throws -> StoreTally {
        let admission = try admission()
        var admitted: [VerifiedDocument] = []
        for (line, value) in documents {
            switch admission.admit(value, from: .local) {
            case .admit(let document): admitted.append(document)
            case .refuse(let rejection): throw ImportRefusal(line: line, rejection: rejection)
            case .own: preconditionFailure("a local source never yields .own")
            }
        }
        return StoreTally(admitted, try await database.apply(admitted, receivedFrom: nil))
    }

    /// Runs admission again on the quarantined documents, each as from the peer that sent it (after
    /// an upgrade, or once the directory lists a new member or key), and stores those that now pass.
    /// Equivocations stay, as evidence; refused rotation statements are read again at each sync.
    public func retryQuarantine() async throws -> QuarantineRetry {
        let admission = try admission()
        var admitted: [(entry: QuarantineEntry, document: VerifiedDocument)] = []
        var stillRefused = 0
        for entry in try database.quarantinedForRetry() {
            guard let value = try? JSONParser.parse(entry.rejection.document), case .admit(let document) = admission.admit(value, from: .peer) else {
                stillRefused += 1
                continue
            }
            admitted.append((entry, document))
        }
        return QuarantineRetry(stored: StoreTally(admitted.map(\.document), try await database.release(admitted)), stillRefused: stillRefused)
    }
}
