// swift-tools-version:6.0
// The quality-reporting suite: five services over one shared kit. No package dependencies:
// Foundation, Dispatch, Glibc and system C libraries (libpq, libcurl, libcrypto, zlib) only.
import PackageDescription

let kit: [Target.Dependency] = ["Models", "KitCore", "KitHTTP", "KitClient", "KitPostgres", "KitCrypto", "ServiceKit"]

let package = Package(
    name: "QualitySuite",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "identity", targets: ["identity"]),
        .executable(name: "documents", targets: ["documents"]),
        .executable(name: "approval", targets: ["approval"]),
        .executable(name: "reporting", targets: ["reporting"]),
        .executable(name: "gateway", targets: ["gateway"]),
    ],
    targets: [
        // C: system libraries and thin shims.
        .systemLibrary(name: "CPostgres", path: "Shared/CPostgres"),
        .systemLibrary(name: "CCrypto", path: "Shared/CCrypto"),
        .systemLibrary(name: "CZlib", path: "Shared/CZlib"),
        .target(name: "CCurl", path: "Shared/CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "CSystem", path: "Shared/CSystem"),

        // Shared plumbing and models.
        .target(name: "Models", path: "Shared/Models"),
        .target(name: "KitCore", path: "Shared/KitCore"),
        .target(name: "KitCrypto", dependencies: ["CCrypto"], path: "Shared/KitCrypto"),
        .target(name: "KitPostgres", dependencies: ["CPostgres", "KitCrypto"], path: "Shared/KitPostgres"),
        .target(name: "KitHTTP", dependencies: ["CSystem", "CZlib", "KitCore", "Models"], path: "Shared/KitHTTP"),
        .target(name: "KitClient", dependencies: ["CCurl"], path: "Shared/KitClient"),
        .target(name: "KitMedia", dependencies: ["CZlib"], path: "Shared/KitMedia"),
        .target(name: "KitPDF", dependencies: ["CZlib"], path: "Shared/KitPDF"),
        .target(name: "KitOffice", dependencies: ["CZlib"], path: "Shared/KitOffice"),
        .target(name: "ServiceKit",
                dependencies: ["Models", "KitCore", "KitHTTP", "KitClient", "KitPostgres", "KitCrypto"],
                path: "Shared/ServiceKit", resources: [.copy("KitMigrations")]),

        // Services: a library (routes → handlers → store) and a thin executable each.
        .target(name: "IdentityService", dependencies: kit + ["KitMedia", "KitOffice"], path: "Services/Identity/Sources",
                resources: [.copy("Migrations")]),
        .executableTarget(name: "identity", dependencies: ["IdentityService", "ServiceKit"], path: "Services/Identity/Main"),
        .target(name: "DocumentsService", dependencies: kit + ["CSystem", "KitMedia", "KitPDF"], path: "Services/Documents/Sources",
                resources: [.copy("Migrations")]),
        .executableTarget(name: "documents", dependencies: ["DocumentsService", "ServiceKit"], path: "Services/Documents/Main"),
        .target(name: "ApprovalService", dependencies: kit, path: "Services/Approval/Sources",
                resources: [.copy("Migrations")]),
        .executableTarget(name: "approval", dependencies: ["ApprovalService", "ServiceKit"], path: "Services/Approval/Main"),
        .target(name: "ReportingService", dependencies: kit + ["KitOffice"], path: "Services/Reporting/Sources",
                resources: [.copy("Migrations")]),
        .executableTarget(name: "reporting", dependencies: ["ReportingService", "ServiceKit"], path: "Services/Reporting/Main"),
        .target(name: "GatewayService", dependencies: kit + ["KitMedia"], path: "Services/Gateway/Sources"),
        .executableTarget(name: "gateway", dependencies: ["GatewayService", "ServiceKit"], path: "Services/Gateway/Main"),
        .executableTarget(name: "json-bench", dependencies: ["KitCore"], path: "Tools/JSONBench"),
        .executableTarget(name: "office-tool", dependencies: ["KitOffice"], path: "Tools/OfficeTool"),
        .executableTarget(name: "bench-server", dependencies: ["KitHTTP", "KitCore", "Models"], path: "Tools/BenchServer"),

        // Tests.
        .testTarget(name: "KitCoreTests", dependencies: ["KitCore"], path: "Tests/KitCoreTests"),
        .testTarget(name: "KitHTTPTests", dependencies: ["KitHTTP", "KitCore", "Models"], path: "Tests/KitHTTPTests", exclude: ["Fixtures"]),
        .testTarget(name: "KitCryptoTests", dependencies: ["KitCrypto"], path: "Tests/KitCryptoTests"),
        .testTarget(name: "KitPostgresTests", dependencies: ["KitPostgres", "KitCore"], path: "Tests/KitPostgresTests"),
        .testTarget(name: "KitClientTests", dependencies: ["KitClient", "KitHTTP", "KitCore", "Models"], path: "Tests/KitClientTests", exclude: ["Fixtures"]),
        .testTarget(name: "KitMediaTests", dependencies: ["KitMedia"], path: "Tests/KitMediaTests", exclude: ["Fixtures"]),
        .testTarget(name: "KitPDFTests", dependencies: ["KitPDF"], path: "Tests/KitPDFTests"),
        .testTarget(name: "KitOfficeTests", dependencies: ["KitOffice"], path: "Tests/KitOfficeTests", exclude: ["Fixtures"]),
        .testTarget(name: "FormsTests", dependencies: ["DocumentsService"], path: "Tests/FormsTests"),
        .testTarget(name: "DocumentsTests", dependencies: ["DocumentsService", "KitCrypto"], path: "Tests/DocumentsTests"),
        .testTarget(name: "ReportingTests", dependencies: ["ReportingService", "KitCore"], path: "Tests/ReportingTests"),
    ]
)
