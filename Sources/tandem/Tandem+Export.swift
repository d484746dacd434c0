import ArgumentParser
import TandemCore
import TandemCrypto
import TandemNode
import TandemStore

extension Tandem {
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the node's records to standard output.",
            discussion: """
                jsonl (default): every current record, local and partner, as its signed document, one \
                per line, in change order (tombstones included), ready for tandem import or tandem verify. \
                csv: the live records of one kind (--kind, case studies by default) that this version \
                understands, one row each, a column per field, for spreadsheets. \
                --bundle DIR: an archive that proves itself, for when a lab closes: every version held \
                of one origin's records (--origin, or of all), each origin's key history and a README; \
                tandem verify --bundle checks it offline, tandem import --bundle adopts it.
                """
        )

        @Option(help: ArgumentHelp("Write an archive into this new folder instead of writing to standard output.", valueName: "dir"))
        var bundle: String?

        @Option(help: ArgumentHelp("With --bundle: only the records of this origin.", valueName: "slug"))
        var origin: String?

        enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, csv }

        @Option(help: "jsonl or csv.")
        var format: Format = .jsonl

        @Option(help: ArgumentHelp("With --format csv: the kind of record, by its API name (cases, practices).", valueName: "kind"))
        var kind = RecordKind.caseStudy.segment

        func validate() throws {
            guard RecordKinds.standard.all.contains(where: { $0.segment == kind }) else {
                throw ValidationError("--kind must be one of \(RecordKinds.standard.all.map(\.segment).joined(separator: ", "))")
            }
        }

        @OptionGroup var options: NodeOptions

        func run() async throws {
            if let bundle {
                var slug: NodeSlug?
                if let origin {
                    guard let parsed = NodeSlug(origin) else { throw CommandFailure("--origin \(origin): not a node slug") }
                    slug = parsed
                }
                let runtime = try await NodeRuntime.prepare(try await options.load(), loadSamples: false)
                let summary = try NodeBundle.export(runtime, origin: slug, to: bundle)
                say("wrote \(summary.documents) documents of \(summary.origins.map(\.rawValue).joined(separator: ", ")) and their key histories to \(bundle)")
                return
            }
            let records = try await openDatabase(options).allRecords()
            switch format {
            case .jsonl:
                for record in records { print(record.documentJSON) }
            case .csv:
                let csv = RecordCSV(kind: RecordKinds.standard.all.first { $0.segment == kind }!)
                print(csv.header)
                for record in records where record.type == csv.kind.type && !record.isDeleted && record.isUnderstood {
                    print(try csv.row(record))
                }
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import signed documents from a JSON Lines file.",
            discussion: """
                Every document must pass the node's admission rules, as one from a peer would: this \
                node's own records only when signed by one of its own keys (current or retired before \
                signing), other origins only when they are members of the cohort and signed by a key of \
                theirs, and every proof must verify. When any line fails, nothing is imported and the \
                line and its reason are named. Then the version rule applies: a higher version replaces \
                the stored one, the same one is skipped, a lower one is ignored.
                """
        )

        @Argument(help: ArgumentHelp("The JSON Lines file, such as one tandem export wrote.", valueName: "file"))
        var file: String?

        @Option(help: ArgumentHelp("Adopt the archive in this folder (tandem export --bundle) instead of a file.", valueName: "dir"))
        var bundle: String?

        @OptionGroup var options: NodeOptions

        func validate() throws {
            guard (file == nil) != (bundle == nil) else { throw ValidationError("give a file to import, or --bundle DIR, not both") }
        }

        func run() async throws {
            if let bundle {
                let runtime = try await NodeRuntime.prepare(try await options.load(), loadSamples: false)
                let adoption: NodeRuntime.Adoption
                do { adoption = try await runtime.adoptBundle(at: bundle) } catch let refusal as ImportRefusal {
                    throw CommandFailure("\(bundle)/documents.jsonl \(refusal); nothing was imported")
                }
                let stored = adoption.stored
                say("adopted \(bundle): \(stored.inserted) new, \(stored.updated) updated, \(stored.unchanged) unchanged, \(stored.stale) older than stored, \(stored.conflicts) conflicting")
                if !adoption.adopted.isEmpty {
                    say("kept as archives, read-only: \(adoption.adopted.map(\.rawValue).joined(separator: ", ")) (not members of the cohort; their records verify against the archive's key history)")
                }
                return
            }
            guard let file else { return }
            let input = try InputFile.read(file)
            var documents: [(line: Int, value: JSONValue)] = []
            for entry in DocumentStream.entries(in: input.bytes) {
                do { documents.append((entry.line, try entry.value.get())) } catch {
                    throw CommandFailure("\(file) line \(entry.line): \(error); nothing was imported")
                }
            }
            guard !documents.isEmpty else { throw CommandFailure("\(file): no document to import") }
            let runtime = try await NodeRuntime.prepare(try await options.load(), loadSamples: false)
            let report: StoreTally
            do { report = try await runtime.importDocuments(documents) } catch let refusal as ImportRefusal {
                throw CommandFailure("\(file) \(refusal); nothing was imported")
            }
            var line = "imported \(documents.count) documents: \(report.inserted) new, \(report.updated) updated, \(report.unchanged) unchanged, \(report.stale) older than stored, \(report.conflicts) conflicting with a stored version (kept the stored one)"
            if report.notUnderstood > 0 { line += "; \(report.notUnderstood) kept without being understood by this version" }
            say(line)
        }
    }
}

/// Records of one kind as CSV (RFC 4180), one column per field of its declaration (a period as
/// two, lists joined with "; "), for spreadsheets.
struct RecordCSV {
    let kind: RecordKind

    var header: String {
        (["origin", "id", "version", "updated"] + kind.fields.flatMap { field -> [String] in
            let name = Self.snakeCase(field.name)
            if case .period = field.type { return [name + "_start", name + "_end"] }
            return [name]
        }).joined(separator: ",")
    }

    func row(_ record: StoredRecord) throws -> String {
        let content = try JSONParser.parse(record.documentJSON).objectValue?["content"]?.objectValue ?? [:]
        var cells = [record.origin.rawValue, record.id.description, String(record.version), record.updated.description]
        for field in kind.fields {
            let value = content[field.name]
            if case .period = field.type {
                cells += [value?.objectValue?["start"]?.stringValue ?? "", value?.objectValue?["end"]?.stringValue ?? ""]
            } else {
                cells.append(value.map(Self.text) ?? "")
            }
        }
        return cells.map(Self.quote).joined(separator: ",")
    }

    /// A value as one cell: text as is, numbers in full, a link by its address, a record it names
    /// as `origin/id` (and ` v2` for a version), lists joined.
    private static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let number): number.exactInteger.map(String.init) ?? String(Int64(number.doubleValue))
        case .object(let object):
            if let url = object["url"]?.stringValue {
                url
            } else if let reference = RecordReference(value) {
                reference.description + (object["version"]?.numberValue?.exactInteger.map { " v\($0)" } ?? "")
            } else {
                ""
            }
        case .array(let items): items.map(text).joined(separator: "; ")
        default: ""
        }
    }

    private static func snakeCase(_ name: String) -> String {
        name.reduce(into: "") { result, character in result += character.isUppercase ? "_" + character.lowercased() : String(character) }
    }

    private static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
