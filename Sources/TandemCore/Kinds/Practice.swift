extension RecordKind {
    /// A method or best practice a lab uses and shares: what it is, when to use it, how, step by step.
    public static let practice = RecordKind(
        type: "Practice", segment: "practices", singular: "practice", plural: "practices",
        operationName: ("Practice", "Practices"), summary: "Practices and methods",
        fields: Field.shared + [
            Field("description", .text(maxLength: 20_000, multiline: true), index: .text, translatable: true, summary: "The practice in full"),
            Field("whenToUse", .text(maxLength: 4_000, multiline: true), index: .text, translatable: true, summary: "When it helps"),
            Field(
                "steps", .list(.text(maxLength: 2_000, multiline: false), maxCount: 50, unique: false), index: .text, translatable: true,
                summary: "How to do it, step by step"),
            .adaptedFrom,
        ])
}
