import Foundation
import TandemCore
import TandemFederation
import TandemStore

/// A node's backup: a consistent copy of its database taken while it runs (SQLite's online
/// backup), with its signing key and self-signed certificate; restored with the node stopped,
/// under a new epoch, so that peers read its feed again instead of skipping what it writes next.
public enum NodeBackup {
    /// `backup.json`: what a backup holds.
    public struct Manifest: Codable, Sendable, Equatable {
        public let node: String
        public let made: String
        /// The epoch of the database copied (a restore gives it a new one).
        public let epoch: String
        public let records: Int
        public let software: String
    }

    static let database = "tandem.sqlite"
    static let manifest = "backup.json"
    static let key = "node.pem"
    static let certificate = "cert.pem"
    static let certificateKey = "cert-key.pem"

    /// Writes a backup of the node `configuration` names into `folder`, a new or empty folder.
    public static func make(_ configuration: NodeConfiguration, to folder: String) async throws -> Manifest {
        let files = FileManager.default
        guard files.fileExists(atPath: configuration.dataDirectory + "/" + database) else {
            throw BackupError("no database in \(configuration.dataDirectory) to back up")
        }
        if files.fileExists(atPath: folder) {
            guard (try? files.contentsOfDirectory(atPath: folder))?.isEmpty == true else {
                throw BackupError("\(folder) exists and is not an empty folder; a backup goes into a new one")
            }
        }
        try files.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let store = try NodeRuntime.openDatabase(configuration)
        // The manifest describes the copy: its epoch and its records, read from it.
        let copy = try await store.backup(to: folder + "/" + database)
        let manifest = Manifest(
            node: configuration.slug.rawValue, made: Timestamp.now().description, epoch: copy.epoch, records: copy.records, software: TandemVersion.current)
        try copySecret(configuration.keyPath, to: folder + "/" + key)
        if configuration.certificatePath == nil {
            try files.copyItem(atPath: configuration.dataDirectory + "/" + certificate, toPath: folder + "/" + certificate)
            try copySecret(configuration.dataDirectory + "/" + certificateKey, to: folder + "/" + certificateKey)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: folder + "/" + Self.manifest))
        return manifest
    }

    /// What a restore did.
    public struct Restored: Sendable {
        public let manifest: Manifest
        /// The restored database's new epoch.
        public let epoch: String
        /// The files it replaced, kept beside under a new name.
        public let keptAside: [String]
    }

    /// Puts the backup in `folder` back as the node `configuration` names, which must be stopped:
    /// its database (checked, and given a new epoch), its key and, when self-signed, its
    /// certificate. What it replaces is kept beside, renamed `….before-restore-<time>`.
    public static func restore(from folder: String, into configuration: NodeConfiguration) async throws -> Restored {
        let files = FileManager.default
        let data = configuration.dataDirectory
        guard let bytes = files.contents(atPath: folder + "/" + Self.manifest),
            let manifest = try? JSONDecoder().decode(Manifest.self, from: bytes), files.fileExists(atPath: folder + "/" + database)
        else { throw BackupError("\(folder) is not a Tandem backup (no \(Self.manifest) and \(database))") }
        guard manifest.node == configuration.slug.rawValue else {
            throw BackupError("\(folder) is a backup of \(manifest.node), and this config is \(configuration.slug)'s")
        }
        try files.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // Held until the restore is done: serve (which takes it too) cannot start meanwhile.
        let lock: FolderLock
        do { lock = try FolderLock(folder: data, name: "serve.lock", busy: "tandem serve is running on \(data); stop it, then restore") } catch {
            throw BackupError(error.description)
        }
        defer { lock.release() }
        guard !FolderLock.isHeld(folder: data, name: "sync.lock") else { throw BackupError("a tandem sync is running on \(data); wait for it, then restore") }

        // The copy is prepared (migrated, checked, given its new epoch) beside, then moved in place.
        let staging = data + "/.restore-" + UUID().uuidString
        try files.createDirectory(atPath: staging, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? files.removeItem(atPath: staging) }
        try files.copyItem(atPath: folder + "/" + database, toPath: staging + "/" + database)
        let copy = try AppDatabase.open(folder: staging)
        let problems = try await copy.integrityProblems()
        guard problems.isEmpty else { throw BackupError("the backup's database is damaged: \(problems.joined(separator: "; "))") }
        let epoch = try await copy.startNewEpoch()
        try copy.close()

        let stamp = Timestamp.now().description.replacingOccurrences(of: ":", with: "")
        var keptAside: [String] = []
        func replace(_ path: String, with source: String) throws {
            if files.fileExists(atPath: path) {
                if files.contentsEqual(atPath: path, andPath: source) { return }
                try files.moveItem(atPath: path, toPath: path + ".before-restore-" + stamp)
                keptAside.append(path + ".before-restore-" + stamp)
            }
            try files.copyItem(atPath: source, toPath: path)
        }
        for suffix in ["-wal", "-shm"] where files.fileExists(atPath: data + "/" + database + suffix) {
            try files.moveItem(atPath: data + "/" + database + suffix, toPath: data + "/" + database + suffix + ".before-restore-" + stamp)
        }
        if files.fileExists(atPath: data + "/" + database) {
            try files.moveItem(atPath: data + "/" + database, toPath: data + "/" + database + ".before-restore-" + stamp)
            keptAside.append(data + "/" + database + ".before-restore-" + stamp)
        }
        try files.moveItem(atPath: staging + "/" + database, toPath: data + "/" + database)
        try replace(configuration.keyPath, with: folder + "/" + key)
        if configuration.certificatePath == nil, files.fileExists(atPath: folder + "/" + certificate) {
            try replace(data + "/" + certificate, with: folder + "/" + certificate)
            try replace(data + "/" + certificateKey, with: folder + "/" + certificateKey)
        }
        return Restored(manifest: manifest, epoch: epoch, keptAside: keptAside)
    }

    /// Copies a private file (a key), keeping it readable by its owner only.
    private static func copySecret(_ source: String, to destination: String) throws {
        try FileManager.default.copyItem(atPath: source, toPath: destination)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: destination)
    }
}

/// A backup or restore that cannot be done, in one line.
public struct BackupError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
