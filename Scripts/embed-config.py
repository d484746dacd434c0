#!/usr/bin/env python3
"""Writes Sources/TandemNode/BuiltIn+Files.swift from Config/: the demo cities' configs and their
sample records, carried by the binary so that `tandem serve` and `tandem demo` run from any folder.

Run it after changing a file it embeds; `swift test` fails while the two differ.
"""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
files = ["default.yaml", "mexico-city.yaml", "rennes.yaml", "samples/paris.jsonl", "samples/mexico-city.jsonl", "samples/rennes.jsonl"]
out = [
    "// Written by Scripts/embed-config.py from Config/; do not edit by hand (a test compares the two).",
    "",
    "extension BuiltIn {",
    "    /// The files of `Config/` the binary carries, by their path in that folder.",
    "    static let files: [String: String] = [",
]
for name in files:
    text = (root / "Config" / name).read_text(encoding="utf-8")
    assert '"""#' not in text, name
    out.append(f'        "{name}": #"""')
    out.extend("            " + line if line else "" for line in text.rstrip("\n").split("\n"))
    out.append('            """#,')
out += ["    ]", "}", ""]
(root / "Sources/TandemNode/BuiltIn+Files.swift").write_text("\n".join(out), encoding="utf-8")
print(f"embedded {len(files)} files of Config/ in Sources/TandemNode/BuiltIn+Files.swift")
