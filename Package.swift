// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Tandem",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tandem", targets: ["tandem"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2")
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "TandemCore"),
        .target(name: "TandemCrypto", dependencies: ["COpenSSL", "TandemCore"]),
        .executableTarget(
            name: "tandem",
            dependencies: [
                "TandemCore",
                "TandemCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "TandemCoreTests", dependencies: ["TandemCore"], resources: [.copy("Vectors")]),
        .testTarget(name: "TandemCLITests", resources: [.copy("Vectors")]),
        .testTarget(
            name: "TandemCryptoTests",
            dependencies: ["TandemCrypto", "TandemCore"],
            resources: [.copy("Vectors")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
