import COpenSSL
import Foundation
import GRDB

/// What this machine can do without any Tandem code: the bounds Tandem's figures are divided by.
enum Limits {
    /// Ed25519 verifications per second, calling OpenSSL's EVP API directly on `threads` threads.
    static func verify(threads: Int, signatures: [(publicKey: [UInt8], message: [UInt8], signature: [UInt8])], rounds: Int) -> Double {
        let start = DispatchTime.now()
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let context = EVP_MD_CTX_new()
            defer { EVP_MD_CTX_free(context) }
            var checked = 0
            for _ in 0..<rounds {
                for index in stride(from: thread, to: signatures.count, by: threads) {
                    let item = signatures[index]
                    let key = item.publicKey.withUnsafeBufferPointer { EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }
                    EVP_MD_CTX_reset(context)
                    EVP_DigestVerifyInit(context, nil, nil, nil, key)
                    if EVP_DigestVerify(context, item.signature, 64, item.message, item.message.count) == 1 { checked += 1 }
                    EVP_PKEY_free(key)
                }
            }
            precondition(checked > 0, "OpenSSL verified nothing")
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return Double(signatures.count * rounds) / seconds
    }

    /// Rows per second that plain SQLite inserts into a WAL table with the same FTS5 index
    /// (unicode61, diacritics removed, kept in sync by triggers), `batch` rows per transaction.
    static func insert(rows: [[String: String]], folder: String, batch: Int) throws -> Double {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL") }
        let queue = try DatabaseQueue(path: folder + "/limit.sqlite", configuration: configuration)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE doc (seq INTEGER PRIMARY KEY, origin TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL,
                  version INTEGER NOT NULL, visibility TEXT NOT NULL, updated TEXT NOT NULL, title TEXT NOT NULL,
                  summary TEXT NOT NULL, body TEXT NOT NULL, language TEXT, city TEXT, lab TEXT, document TEXT NOT NULL,
                  changeSeq INTEGER NOT NULL UNIQUE, UNIQUE (origin, id));
                CREATE VIRTUAL TABLE doc_fts USING fts5(title, summary, body, city, lab, content='doc', content_rowid='seq',
                  tokenize='unicode61 remove_diacritics 2');
                CREATE TRIGGER doc_ai AFTER INSERT ON doc BEGIN
                  INSERT INTO doc_fts(rowid, title, summary, body, city, lab) VALUES (new.seq, new.title, new.summary, new.body, new.city, new.lab);
                END;
                """)
        }
        let start = DispatchTime.now()
        var sequence = 0
        for chunk in stride(from: 0, to: rows.count, by: batch) {
            try queue.write { db in
                let statement = try db.makeStatement(sql: """
                    INSERT INTO doc (origin, id, kind, version, visibility, updated, title, summary, body, language, city, lab, document, changeSeq)
                    VALUES (?, ?, 'CaseStudy', 1, 'public', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for row in rows[chunk..<min(chunk + batch, rows.count)] {
                    sequence += 1
                    try statement.execute(arguments: [
                        row["origin"], row["id"], row["updated"], row["title"], row["summary"], row["body"], row["language"], row["city"],
                        row["lab"], row["document"], sequence,
                    ])
                }
            }
        }
        return Double(rows.count) / (Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
    }
}
