// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Tandem",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tandem", targets: ["tandem"]),
        .executable(name: "tandem-bench", targets: ["tandem-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0", traits: [.defaults, "YAML"]),
        // Already in the graph through swift-nio-extras; named here for its RFC 8941 parser and
        // serializer, which read and write the Signature-Input and Signature fields (RFC 9421).
        .package(url: "https://github.com/apple/swift-http-structured-headers.git", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // Already in the graph through Hummingbird; named here because the request-limit handler
        // (TandemAPI/ConnectionLimits.swift) sits in Hummingbird's channel pipeline and reads its
        // HTTPRequestPart/HTTPResponsePart types, which NIOHTTPTypes defines.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Already in the graph through every NIO package; named for NIOHTTP1's parser errors, which
        // tell a peer that cut its answer short (TandemFederation/PeerClient.swift).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "TandemCore"),
        // The full-text tokenizer, in C: it runs on every token of every stored document.
        .target(name: "CTandemSearch", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(name: "TandemCrypto", dependencies: ["COpenSSL", "TandemCore"]),
        .target(
            name: "TandemStore",
            dependencies: ["CTandemSearch", "TandemCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "TandemFederation",
            dependencies: [
                "TandemCore", "TandemCrypto", "TandemStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The node's rules, below every front end: runtime and configuration, local writes, the
        // one admission policy, the sync job, typed domain errors.
        .target(
            name: "TandemNode",
            dependencies: [
                "TandemCore", "TandemCrypto", "TandemStore", "TandemFederation",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Helpers for tests and the benchmark (free ports on 127.0.0.1); not part of the node.
        .target(name: "TandemTestSupport"),
        .target(
            name: "TandemAPI",
            dependencies: [
                "TandemCore", "TandemCrypto", "TandemStore", "TandemFederation", "TandemNode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "tandem",
            dependencies: [
                "TandemCore", "TandemCrypto", "TandemStore", "TandemFederation", "TandemNode", "TandemAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "tandem-bench",
            dependencies: [
                "COpenSSL", "TandemCore", "TandemCrypto", "TandemStore", "TandemFederation", "TandemNode", "TandemAPI", "TandemTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "TandemCoreTests", dependencies: ["TandemCore"], resources: [.copy("Vectors")]),
        .testTarget(
            name: "TandemCryptoTests",
            dependencies: ["TandemCrypto", "TandemCore"],
            resources: [.copy("Vectors")]
        ),
        .testTarget(name: "TandemStoreTests", dependencies: ["TandemStore", "TandemCore"]),
        .testTarget(
            name: "TandemFederationTests",
            dependencies: ["TandemFederation", "TandemCrypto", "TandemCore"],
            resources: [.copy("Vectors")]
        ),
        .testTarget(
            name: "TandemNodeTests",
            dependencies: ["TandemNode", "TandemFederation", "TandemStore", "TandemCrypto", "TandemCore"]
        ),
        .testTarget(
            name: "TandemAPITests",
            dependencies: [
                "TandemAPI", "TandemNode", "TandemFederation", "TandemStore", "TandemCrypto", "TandemCore", "TandemTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "TandemCLITests", dependencies: ["TandemTestSupport"], resources: [.copy("Vectors")]),
    ],
    swiftLanguageModes: [.v6]
)
