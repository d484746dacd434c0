import ArgumentParser
import AsyncHTTPClient
import Foundation
import TandemCore
import TandemCrypto
import TandemFederation
import TandemNode
import TandemStore

@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandem-bench",
        abstract: "Measure Tandem against this machine's own limits, measured in the same run.",
        discussion: """
            Prints each figure and its ratio to the limit it is held to (see BENCHMARKS.md): the Ed25519 \
            verifications OpenSSL does per second (one thread, all cores) and the rows plain SQLite inserts per \
            second with the same FTS5 index; Tandem's ingest path on pre-made signed pages; a full first sync \
            of N documents between two nodes over HTTPS on 127.0.0.1; a sync with nothing new at 1,000 and \
            at N records; search latency at N records; the peak memory of the process. Build it in release \
            mode: swift run -c release tandem-bench.
            """
    )

    @Option(help: "N: how many documents the sync, no-op sync and search figures use.")
    var records = 20_000

    @Flag(help: "Print one JSON object with every figure instead of a table.")
    var json = false

    @Option(help: ArgumentHelp("Write N signed documents as JSON Lines to this file, and stop (for Scripts/bench-http.sh).", valueName: "file"))
    var writeCorpus: String?

    @Option(help: ArgumentHelp("With --write-corpus: the key that signs them (a node's node.pem, so that node imports them).", valueName: "path"))
    var corpusKey: String?

    @Option(help: ArgumentHelp("With --write-corpus: their origin, the slug of the node whose key signs them.", valueName: "slug"))
    var corpusOrigin = "paris"

    func validate() throws {
        guard records >= 1000 || writeCorpus != nil else { throw ValidationError("--records must be at least 1000 (the no-op sync compares 1,000 with N)") }
        guard (writeCorpus == nil) == (corpusKey == nil) else { throw ValidationError("--write-corpus and --corpus-key go together") }
        guard NodeSlug(corpusOrigin) != nil else { throw ValidationError("--corpus-origin must be a node slug") }
    }

    func run() async throws {
        let folder = NSTemporaryDirectory() + "tandem-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        if let writeCorpus {
            // Documents of one node, signed by its key, so that `tandem import` on that node admits them.
            let key = try KeyFile.read(from: corpusKey ?? "")
            try LineFile.write(Corpus.make(count: records, origin: NodeSlug(corpusOrigin)!, key: key), to: writeCorpus)
            print("wrote \(records) documents signed by \(DIDKey(key.publicKey)) to \(writeCorpus)")
            return
        }
        var figures = Figures()
        let log: (String) -> Void = { line in if !json { FileHandle.standardError.write(Data((line + "\n").utf8)) } }

        // The nodes: a big source (N records), a small one (1,000) and an empty sink, in one cohort.
        let directory = folder + "/cohort.yaml"
        let pageSize = FeedPage.defaultLimit
        let big = try await BenchNode(slug: "big", folder: folder, directory: directory, pageSize: pageSize)
        let small = try await BenchNode(slug: "small", folder: folder, directory: directory, pageSize: pageSize)
        let sink = try await BenchNode(slug: "sink", folder: folder, directory: directory, pageSize: pageSize)
        try ("cohort: bench\nmembers:\n" + [big, small, sink].map { try $0.entry() }.joined(separator: "\n") + "\n")
            .write(toFile: directory, atomically: true, encoding: .utf8)
        log("signing \(records + 1000) documents…")
        let bigDocuments = Corpus.make(count: records, origin: big.slug, key: try big.key)
        let smallDocuments = Corpus.make(count: 1000, offset: records, origin: small.slug, key: try small.key)

        // 1. Limits.
        log("measuring the limits…")
        let signatureSamples = try (0..<2000).map { index -> (publicKey: [UInt8], message: [UInt8], signature: [UInt8]) in
            let key = try Ed25519PrivateKey()
            let message = SHA256.hash(Array("proof options \(index)".utf8)) + SHA256.hash(Array("document \(index)".utf8))
            return (key.publicKey.rawRepresentation, message, try key.signature(for: message))
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        figures.verifyOne = Limits.verify(threads: 1, signatures: signatureSamples, rounds: 3)
        figures.verifyAll = Limits.verify(threads: cores, signatures: signatureSamples, rounds: 3)
        let rows = bigDocuments.prefix(min(records, 20_000)).map(Self.row)
        figures.insert = try Limits.insert(rows: rows, folder: folder, batch: 2000)

        // 2. Ingest: Tandem's real path (decode, shape, key, verify in parallel, version rule, store, index) on pre-made pages.
        log("ingest…")
        (figures.ingest, figures.ingestPhases) = try await Self.ingest(bigDocuments, directory: directory, folder: folder, pageSize: pageSize)

        // 3. A full first sync of N documents over HTTPS, from empty.
        for node in [big, small, sink] { try await node.start() }
        _ = try await big.runtime.database.apply(try Self.verified(bigDocuments), receivedFrom: nil)
        _ = try await small.runtime.database.apply(try Self.verified(smallDocuments), receivedFrom: nil)
        log("full sync of \(records)…")
        let job = sink.runtime.syncJob()
        let clock = ContinuousClock()
        var report: PeerSyncReport?
        let syncTime = try await clock.measure { report = try await job.run(only: big.slug).first }
        guard let report, report.succeeded, report.inserted == records else { throw BenchError("the full sync failed: \(report?.line ?? "no report")") }
        figures.sync = Double(records) / syncTime.seconds
        // What a record costs on disk where it arrived: the sink's database and its write-ahead log.
        let sinkFiles = ["tandem.sqlite", "tandem.sqlite-wal"].map { folder + "/" + sink.slug.rawValue + "/" + $0 }
        let bytes = sinkFiles.compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }.reduce(0, +)
        figures.bytesPerRecord = Double(bytes) / Double(records)
        _ = try await job.run(only: small.slug)

        // 4. No-op syncs at 1,000 and at N records.
        log("no-op syncs…")
        for (peer, keyPath) in [(small.slug, \Figures.noopSmall), (big.slug, \Figures.noopBig)] {
            var times: [Double] = []
            var requests = 0
            for _ in 0..<9 {
                var run: PeerSyncReport?
                times.append(try await clock.measure { run = try await job.run(only: peer).first }.seconds)
                guard let run, run.succeeded, run.inserted == 0 else { throw BenchError("a no-op sync did something: \(run?.line ?? "")") }
                requests = max(requests, run.requests)
            }
            figures[keyPath: keyPath] = (times.sorted()[times.count / 2], requests)
        }

        // 5. Search at N records, over HTTPS, one request at a time.
        log("search…")
        figures.search = try await Self.search(big)

        figures.peakMiB = peakResidentMiB()
        figures.records = records
        figures.cores = cores
        for node in [big, small, sink] { try await node.stop() }
        print(json ? figures.json : figures.table)
    }

    static func row(_ text: String) -> [String: String] {
        let object = try! JSONParser.parse(text).objectValue!
        let content = object["content"]!.objectValue!
        func value(_ key: String) -> String { content[key]?.stringValue ?? "" }
        return [
            "origin": object["origin"]!.stringValue!, "id": object["id"]!.stringValue!, "updated": object["updated"]!.stringValue!,
            "title": value("title"), "summary": value("summary"),
            "body": [value("problem"), value("approach"), value("results")].joined(separator: "\n"),
            "language": value("language"), "city": value("city"), "lab": value("lab"), "document": text,
        ]
    }

    static func verified(_ documents: [String]) throws -> [VerifiedDocument] {
        try documents.map { text in
            let verified = try DocumentVerifier.verify(try JSONParser.parse(text))
            return VerifiedDocument(document: verified.document!, signer: verified.signer.description)
        }
    }

    /// Documents per second through Tandem's ingest path (`FeedIngest`, as a sync runs it: decode
    /// and admission of one page while the page before is stored), fed pre-made signed pages; and,
    /// in a second sequential pass over the first pages, the microseconds per document of each stage.
    static func ingest(_ documents: [String], directory: String, folder: String, pageSize: Int) async throws -> (Double, [Double]) {
        let cohort = try CohortDirectory.load(path: directory)
        let (sink, peer) = (NodeSlug("sink")!, NodeSlug("big")!)
        let admission = Admission(node: sink, directory: cohort, keys: KeyRing(directory: cohort), kinds: .standard)
        let epoch = UUID().uuidString.lowercased()
        var pages: [[UInt8]] = []
        for start in stride(from: 0, to: documents.count, by: pageSize) {
            let end = min(start + pageSize, documents.count)
            let page = ChangePage(documents: Array(documents[start..<end]), last: Int64(end), remaining: documents.count - end)
            pages.append(Array(FeedPage.encode(epoch: epoch, page: page, since: Int64(start), reader: sink, restarted: false).utf8))
        }
        let pipelined = try AppDatabase.open(folder: try Self.makeFolder(folder + "/ingest"))
        var report = PeerSyncReport(peer: peer)
        let start = DispatchTime.now()
        try await FeedIngest(peer: peer, node: sink, admission: admission, database: pipelined)
            .run(from: nil, key: DIDKey(try Ed25519PrivateKey().publicKey), until: .now + .seconds(86_400), into: &report) { pages[Int(($0?.position ?? 0) / Int64(pageSize))] }
        let total = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        guard report.inserted == documents.count else { throw BenchError("ingest stored \(report.inserted) of \(documents.count) documents") }

        // The stages one after the other, on up to 4,000 documents.
        let sequential = try AppDatabase.open(folder: try Self.makeFolder(folder + "/ingest-stages"))
        let sample = pages.prefix(max(1, 4000 / pageSize))
        var phases = [0.0, 0.0, 0.0]
        var counted = 0
        for bytes in sample {
            var clock = DispatchTime.now()
            func lap(_ phase: Int) {
                let now = DispatchTime.now()
                phases[phase] += Double(now.uptimeNanoseconds - clock.uptimeNanoseconds) / 1e9
                clock = now
            }
            let page = try FeedPage.decode(bytes)
            lap(0)
            let accepted = admission.admit(page.items, from: .peer).compactMap { decision -> VerifiedDocument? in
                if case .admit(let document) = decision { document } else { nil }
            }
            lap(1)
            _ = try await sequential.applyPeerPage(peer: peer, documents: accepted, rejections: [], checkpoint: page.next, lag: page.remaining)
            lap(2)
            counted += page.items.count
        }
        return (Double(documents.count) / total, phases.map { $0 / Double(counted) * 1e6 })
    }

    static func makeFolder(_ path: String) throws -> String {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// p50 and p99 of a mix of full-text and filtered queries, milliseconds.
    static func search(_ node: BenchNode) async throws -> (p50: Double, p99: Double, count: Int) {
        let queries = [
            "/api/v1/cases?q=participation", "/api/v1/cases?q=resilience%20chaleur", "/api/v1/cases?q=mexico",
            "/api/v1/cases?method=immersion", "/api/v1/cases?policyArea=open-data&language=es", "/api/v1/cases?city=Rennes&status=pilot",
            "/api/v1/cases?q=taller&country=MX", "/api/v1/cases?q=library%20digital&limit=50", "/api/v1/cases?tag=none",
            "/api/v1/cases?q=atelier&method=co-design",
        ]
        let client = try node.client()
        var latencies: [Double] = []
        let clock = ContinuousClock()
        for round in 0..<40 {
            for query in queries {
                let elapsed = try await clock.measure {
                    let response = try await client.execute(HTTPClientRequest(url: node.url + query), timeout: .seconds(30))
                    guard response.status == .ok else { throw BenchError("\(query) answered \(response.status)") }
                    _ = try await response.body.collect(upTo: 16 << 20)
                }
                if round > 0 { latencies.append(elapsed.seconds * 1000) }  // the first round warms up
            }
        }
        try await client.shutdown()
        latencies.sort()
        return (latencies[latencies.count / 2], latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))], latencies.count)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Every figure of one run, with the ratios the targets are stated in.
struct Figures {
    var records = 0
    var cores = 0
    var verifyOne = 0.0
    var verifyAll = 0.0
    var insert = 0.0
    var ingest = 0.0
    /// Microseconds per document in each stage: decode the page, admission (all cores), store.
    var ingestPhases = [0.0, 0.0, 0.0]
    var sync = 0.0
    var noopSmall: (seconds: Double, requests: Int) = (0, 0)
    var noopBig: (seconds: Double, requests: Int) = (0, 0)
    var search: (p50: Double, p99: Double, count: Int) = (0, 0, 0)
    var peakMiB = 0.0
    var bytesPerRecord = 0.0

    var ingestRatio: Double { ingest / min(verifyAll, insert) }
    var syncRatio: Double { sync / ingest }
    var noopRatio: Double { noopBig.seconds / noopSmall.seconds }

    var table: String {
        func number(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }
        let lines: [(String, String, String)] = [
            ("limit.verify (1 thread)", number(verifyOne) + " verifications/s", ""),
            ("limit.verify (\(cores) cores)", number(verifyAll) + " verifications/s", ""),
            ("limit.insert (SQLite + FTS5)", number(insert) + " rows/s", ""),
            ("ingest", number(ingest) + " documents/s", "ingest_ratio \(number(ingestRatio, 2)) (target ≥ 0.60)"),
            ("  per document: decode, check, store", ingestPhases.map { number($0, 1) }.joined(separator: ", ") + " µs", "(one after the other, on up to 4,000; check on all cores)"),
            ("sync (full, N=\(records), HTTPS)", number(sync) + " documents/s", "sync/ingest \(number(syncRatio, 2)) (target ≥ 0.50)"),
            ("noop_sync at 1,000", number(noopSmall.seconds * 1000, 1) + " ms, \(noopSmall.requests) requests", ""),
            ("noop_sync at N=\(records)", number(noopBig.seconds * 1000, 1) + " ms, \(noopBig.requests) requests",
             "noop_sync.ratio \(number(noopRatio, 2)) (target ≤ 1.50, ≤ 2 requests)"),
            ("database size per record (sink)", number(bytesPerRecord) + " bytes", ""),
            ("search at N (\(search.count) queries)", "p50 \(number(search.p50, 2)) ms, p99 \(number(search.p99, 2)) ms", "p99 vs GET one record: Scripts/bench-http.sh"),
            ("peak memory (process: 3 nodes + corpus)", number(peakMiB, 1) + " MiB", records >= 100_000 ? "target ≤ 200 MiB at N=100,000" : ""),
        ]
        let width = lines.map(\.0.count).max()!
        let valueWidth = lines.map(\.1.count).max()!
        return lines.map { name, value, ratio in
            name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value.padding(toLength: valueWidth, withPad: " ", startingAt: 0) + "  " + ratio
        }.joined(separator: "\n")
    }

    var json: String {
        func number(_ value: Double) -> JSONValue { .number(.double((value * 1000).rounded() / 1000)) }
        func count(_ value: Int) -> JSONValue { .number(.integer(Int64(value))) }
        let object: JSONObject = [
            "records": count(records), "cores": count(cores),
            "limit": .object([
                "verify": .object(["single": number(verifyOne), "all_cores": number(verifyAll)]),
                "insert": number(insert),
            ]),
            "ingest": number(ingest), "ingest_ratio": number(ingestRatio),
            "ingest_us_per_document": .object(["decode": number(ingestPhases[0]), "check": number(ingestPhases[1]), "store": number(ingestPhases[2])]),
            "sync": number(sync), "sync_ratio": number(syncRatio),
            "noop_sync": .object([
                "at_1000": .object(["ms": number(noopSmall.seconds * 1000), "requests": count(noopSmall.requests)]),
                "at_n": .object(["ms": number(noopBig.seconds * 1000), "requests": count(noopBig.requests)]),
                "ratio": number(noopRatio),
            ]),
            "search": .object(["p50_ms": number(search.p50), "p99_ms": number(search.p99), "queries": count(search.count)]),
            "peak_rss_mib": number(peakMiB), "database_bytes_per_record": number(bytesPerRecord),
        ]
        return (try? JSONValue.object(object).serialized(pretty: true)) ?? "{}"
    }
}
