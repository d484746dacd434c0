#!/usr/bin/env python3
"""Checks Tandem's signatures against an independent eddsa-jcs-2022 implementation.

The other side is written here from the W3C specification with pyca/cryptography (Ed25519) and
the rfc8785 package (JCS), sharing no code with Tandem:
  1. a key made in Python shows the same did:key in `tandem keys show`;
  2. a document made by `tandem keys generate` + `tandem sign` verifies here;
  3. documents signed here (with @context, keys and strings outside the BMP) verify with `tandem verify`;
  4. the W3C vector verifies here (so this checker is itself right);
  5. a document signed here and then altered is rejected by `tandem verify`.
Usage: interop-check.py PATH_TO_TANDEM_BINARY VECTOR_DIR
       interop-check.py --node URL CA_FILE [Translation] [adaptedFrom]
                                             (a running node: every record it lists and every document of
                                               its change feed verifies here, translations and adaptations
                                               included (those named must be there), and its /openapi.json
                                               is valid OpenAPI 3.1)
       interop-check.py --bundle DIR         (an archive from `tandem export --bundle`: every document
                                               verifies against the key history the archive carries)
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, rest = divmod(number, 58)
        text = ALPHABET[rest] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + ALPHABET.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def did_key(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "did:key:z" + b58encode(b"\xed\x01" + raw)


def public_key_of(verification_method: str) -> Ed25519PublicKey:
    assert verification_method.startswith("did:key:z"), verification_method
    identifier, _, fragment = verification_method[len("did:key:"):].partition("#")
    assert fragment in ("", identifier)
    data = b58decode(identifier[1:])
    assert data[:2] == b"\xed\x01" and len(data) == 34
    return Ed25519PublicKey.from_public_bytes(data[2:])


def hash_data(document: dict, options: dict) -> bytes:
    return hashlib.sha256(rfc8785.dumps(options)).digest() + hashlib.sha256(rfc8785.dumps(document)).digest()


def verify(secured: dict) -> str:
    """W3C Data Integrity EdDSA §3.3.2; returns the verification method or raises."""
    document = dict(secured)
    proof = dict(document.pop("proof"))
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-jcs-2022"
    signature = b58decode(proof.pop("proofValue")[1:])
    if "@context" in proof:
        assert document["@context"][: len(proof["@context"])] == proof["@context"]
    public_key_of(proof["verificationMethod"]).verify(signature, hash_data(document, proof))
    return proof["verificationMethod"]


def sign(document: dict, key: Ed25519PrivateKey) -> dict:
    did = did_key(key.public_key())
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2026-11-21T10:00:00Z",
        "verificationMethod": did + "#" + did[len("did:key:"):],
        "proofPurpose": "assertionMethod",
    }
    if "@context" in document:
        options["@context"] = document["@context"]
    signature = key.sign(hash_data(document, options))
    return {**document, "proof": {**options, "proofValue": "z" + b58encode(signature)}}


def tandem(binary: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([binary, *args], input=stdin.encode(), capture_output=True, check=False)


def check_node(url: str, cafile: str, wanted: list) -> int:
    import ssl
    import urllib.request

    from openapi_spec_validator import validate

    context = ssl.create_default_context(cafile=cafile)

    def get(path: str) -> dict:
        with urllib.request.urlopen(url + path, context=context, timeout=30) as answer:
            return json.load(answer)

    validate(get("/openapi.json"))
    verified = 0
    for kind in ("cases", "practices"):
        path = f"/api/v1/{kind}?limit=100"
        while path:
            page = get(path)
            for item in page["items"]:
                signer = verify(item["document"])
                assert signer.startswith(item["provenance"]["signer"]), (signer, item["provenance"])
                verified += 1
            path = f"/api/v1/{kind}?limit=100&cursor={page['next']}" if page["next"] else None
    assert verified > 0, "the node served no record"
    # Its change feed: every document it holds, its own and its partners', translations and
    # adaptations included, each verifying, and each reference well formed.
    counts = {"documents": 0, "Translation": 0, "adaptedFrom": 0}
    since = None
    while True:
        page = get("/federation/v1/changes?limit=1000" + (f"&since={since}" if since else ""))
        for document in page["items"]:
            verify(document)
            counts["documents"] += 1
            content = document.get("content") or {}
            if document["type"] == "Translation":
                target = content["translationOf"]
                assert set(target) == {"origin", "id", "version"} and target["version"] >= 1, target
                counts["Translation"] += 1
            if content.get("adaptedFrom"):
                assert all(set(source) == {"origin", "id"} for source in content["adaptedFrom"]), content["adaptedFrom"]
                counts["adaptedFrom"] += 1
        since = page["next"]
        if not page["hasMore"]:
            break
    for name in wanted:
        assert counts[name] > 0, f"the feed of {url} has no {name} document"
    print(f"interop check: {verified} listed records and {counts['documents']} feed documents ({counts['Translation']} translations, "
          f"{counts['adaptedFrom']} adaptations) served by {url} verify independently; /openapi.json is valid OpenAPI 3.1")
    return 0


def check_bundle(folder: str) -> int:
    """PROTOCOL.md §17 from the files alone: each origin's keys, extended by its rotation
    statements (each signed by the key it retires), and each document signed by one of them, not
    after that key was retired."""
    histories = {}
    for name in sorted(os.listdir(os.path.join(folder, "origins"))):
        with open(os.path.join(folder, "origins", name), encoding="utf-8") as file:
            origin = json.load(file)
        assert name == origin["slug"] + ".json", name
        retired = {key: None for key in origin["keys"]}
        pending = list(origin["rotations"])
        while pending:
            linked = [s for s in pending if s["previousKey"] in retired and retired[s["previousKey"]] is None]
            assert linked, f"{name}: rotations that do not link to its keys: {pending}"
            for statement in linked:
                assert statement["type"] == "KeyRotation" and statement["node"] == origin["slug"], statement
                assert verify(statement).split("#")[0] == statement["previousKey"], "a rotation not signed by the key it retires"
                retired[statement["previousKey"]] = statement["rotated"]
                retired.setdefault(statement["newKey"], None)
                pending.remove(statement)
        histories[origin["slug"]] = retired
    count = 0
    with open(os.path.join(folder, "documents.jsonl"), encoding="utf-8") as documents:
        for line in documents:
            document = json.loads(line)
            keys = histories[document["origin"]]
            key = verify(document).split("#")[0]
            assert key in keys, f"{document['origin']}/{document['id']} v{document['version']} is signed by {key}, not one of its origin's keys"
            assert keys[key] is None or document["proof"]["created"] <= keys[key], f"{document['id']} signed after its key was retired"
            count += 1
    assert count > 0, "the archive holds no document"
    rotations = sum(len([r for r in h.values() if r]) for h in histories.values())
    print(f"interop check: {count} documents of {', '.join(histories)} in {folder} verify independently against the archive's key history ({rotations} rotations)")
    return 0


def main() -> int:
    if sys.argv[1] == "--node":
        return check_node(sys.argv[2], sys.argv[3], sys.argv[4:])
    if sys.argv[1] == "--bundle":
        return check_bundle(sys.argv[2])
    binary, vectors = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="tandem-interop-")
    checks = 0

    key = Ed25519PrivateKey.generate()
    pem_path = os.path.join(work, "python.pem")
    with os.fdopen(os.open(pem_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as pem:
        pem.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    shown = tandem(binary, "keys", "show", pem_path)
    assert shown.returncode == 0 and shown.stdout.decode().strip() == did_key(key.public_key()), shown
    checks += 1

    tandem_key = os.path.join(work, "tandem.pem")
    generated = tandem(binary, "keys", "generate", "--out", tandem_key)
    assert generated.returncode == 0, generated
    case = {
        "type": "CaseStudy", "id": "0193b7c2-5e1a-7c3d-9a40-2f1e8b6d4c11", "origin": "mexico-city", "version": 2,
        "updated": "2026-11-21T10:00:00Z", "visibility": "public", "deleted": False,
        "content": {"title": "Participación ciudadana 🗳️ en la Ciudad de México", "summary": "Laboratorio 𝄞 «ensayo».",
                    "language": "es", "status": "implemented", "participants": 9007199254740991},
    }
    signed = tandem(binary, "sign", "--key", tandem_key, stdin=json.dumps(case, ensure_ascii=False))
    assert signed.returncode == 0, signed
    assert verify(json.loads(signed.stdout)) .startswith(generated.stdout.decode().strip())
    checks += 1

    foreign = [
        {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
         "credentialSubject": {"😂": "smiley key", "\ufb33": "dalet", "name": "Laboratorio para la Ciudad 🏙️"}},
        {"note": "no context", "nested": {"a": [1, -2, 3.5, 1e21, 0.000001], "𝄞": True, "z": None}},
    ]
    lines = "".join(json.dumps(sign(document, key), ensure_ascii=False) + "\n" for document in foreign)
    accepted = tandem(binary, "verify", stdin=lines)
    assert accepted.returncode == 0 and accepted.stdout.decode().count("ok (") == 2, accepted
    checks += 1

    with open(os.path.join(vectors, "signedJCS.json"), encoding="utf-8") as vector:
        assert verify(json.load(vector)).startswith("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
    checks += 1

    altered = sign(foreign[0], key)
    altered["credentialSubject"]["😂"] = "smiley key!"
    try:
        verify(altered)
        raise AssertionError("the altered document verified in Python")
    except InvalidSignature:
        pass
    rejected = tandem(binary, "verify", stdin=json.dumps(altered))
    assert rejected.returncode == 1 and rejected.stdout.decode().startswith("invalid: the signature does not match"), rejected
    checks += 1

    print(f"interop check: {checks} of 5 checks agree with an independent eddsa-jcs-2022 implementation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
