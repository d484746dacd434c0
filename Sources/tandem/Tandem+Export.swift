import ArgumentParser
import TandemCore
import TandemCrypto
import TandemStore

extension Tandem {
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the node's records to standard output.",
            discussion: """
                jsonl (default): every current record, local and partner, as its signed document, one \
                per line, in change order (tombstones included), ready for tandem import or tandem verify. \
                csv: the live case studies, one row each, for spreadsheets.
                """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, csv }

        @Option(help: "jsonl or csv.")
        var format: Format = .jsonl

        @OptionGroup var options: NodeOptions

        func run() async throws {
            let records = try await openDatabase(options).allRecords()
            switch format {
            case .jsonl:
                for record in records { print(record.documentJSON) }
            case .csv:
                print(CaseStudyCSV.header)
                for record in records where record.kind == .caseStudy && !record.isDeleted {
                    print(try CaseStudyCSV.row(record))
                }
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import signed documents from a JSON Lines file.",
            discussion: """
                Every document is verified first (shape and eddsa-jcs-2022 proof); when any line is bad, \
                nothing is imported and the bad line is named. Then the version rule applies: a higher \
                version replaces the stored one, the same one is skipped, a lower one is ignored.
                """
        )

        @Argument(help: ArgumentHelp("The JSON Lines file, such as one tandem export wrote.", valueName: "file"))
        var file: String

        @OptionGroup var options: NodeOptions

        func run() async throws {
            let input = try InputFile.read(file)
            var documents: [VerifiedDocument] = []
            for entry in DocumentStream.entries(in: input.bytes) {
                let verified: DocumentVerifier.Verified
                do {
                    verified = try DocumentVerifier.verify(try entry.value.get())
                } catch {
                    throw CommandFailure("\(file) line \(entry.line): \(error); nothing was imported")
                }
                guard let document = verified.document else {
                    throw CommandFailure("\(file) line \(entry.line): not a Tandem document (type must be Practice or CaseStudy); nothing was imported")
                }
                documents.append(VerifiedDocument(document: document, signer: verified.signer.description))
            }
            guard !documents.isEmpty else { throw CommandFailure("\(file): no document to import") }
            let outcomes = try await openDatabase(options).apply(documents, receivedFrom: nil)
            let count = { (outcome: ApplyOutcome) in outcomes.count { $0 == outcome } }
            say("imported \(documents.count) documents: \(count(.inserted)) new, \(count(.updated)) updated, \(count(.unchanged)) unchanged, \(count(.stale)) older than stored, \(count(.equivocation)) conflicting with a stored version (kept the stored one)")
        }
    }
}

/// Case studies as CSV rows (RFC 4180 quoting), one list column per vocabulary.
enum CaseStudyCSV {
    static let header = "origin,id,version,updated,title,summary,language,city,country,lab,status,period_start,period_end,participants,methods,policy_areas,tags,partners"

    static func row(_ record: StoredRecord) throws -> String {
        let document = try Document(json: try JSONParser.parse(record.documentJSON).objectValue ?? [:])
        guard case .caseStudy(let study) = document.content else { return "" }
        let basics = study.basics
        let fields: [String] = [
            record.origin.rawValue, record.id.description, String(record.version), record.updated.description, basics.title,
            basics.summary, basics.language.description, basics.city ?? "", basics.country?.description ?? "", basics.lab ?? "",
            study.status.rawValue, study.period?.start.description ?? "", study.period?.end?.description ?? "",
            study.participants.map(String.init) ?? "", basics.methods.joined(separator: "; "), basics.policyAreas.joined(separator: "; "),
            basics.tags.joined(separator: "; "), study.partners.joined(separator: "; "),
        ]
        return fields.map(quote).joined(separator: ",")
    }

    private static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
