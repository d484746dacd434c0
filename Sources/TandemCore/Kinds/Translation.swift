extension RecordKind {
    /// A record's texts in another language, by a lab that read it: signed by the translating lab,
    /// linked to the version it translates. Terms, dates and numbers are not translated: they come
    /// from the original.
    public static let translation = RecordKind(
        type: "Translation", segment: "translations", singular: "translation", plural: "translations",
        operationName: ("Translation", "Translations"), summary: "Translations of practices and case studies into other languages",
        fields: [
            Field("translationOf", .reference(versioned: true), required: true, index: .translates, summary: "The record and the version translated"),
            Field("language", .language, required: true, index: .column(.language), summary: "The language it is translated into"),
        ] + translatableFields(of: [.practice, .caseStudy]),
        isStandalone: false)

    /// Every field that some kind translates, once each: title and summary required, as in every record.
    private static func translatableFields(of kinds: [RecordKind]) -> [Field] {
        var fields: [Field] = []
        for field in kinds.flatMap(\.translatableFields) where !fields.contains(where: { $0.name == field.name }) {
            fields.append(field.required(field.name == "title" || field.name == "summary"))
        }
        return fields
    }
}
