import KitPostgres

/// The engine's enums read straight from their text columns.
extension ScopeLevel: PGDecodable {
    init(pgText: String) throws {
        guard let v = ScopeLevel(rawValue: pgText) else { throw PGError(kind: .decode, message: "unknown scope level") }
        self = v
    }
}

extension StageRule: PGDecodable {
    init(pgText: String) throws {
        guard let v = StageRule(rawValue: pgText) else { throw PGError(kind: .decode, message: "unknown stage rule") }
        self = v
    }
}

extension Decision: PGDecodable {
    init(pgText: String) throws {
        guard let v = Decision(rawValue: pgText) else { throw PGError(kind: .decode, message: "unknown decision") }
        self = v
    }
}

extension RequestStatus: PGDecodable {
    init(pgText: String) throws {
        guard let v = RequestStatus(rawValue: pgText) else { throw PGError(kind: .decode, message: "unknown request status") }
        self = v
    }
}

extension StageStatus: PGDecodable {
    init(pgText: String) throws {
        guard let v = StageStatus(rawValue: pgText) else { throw PGError(kind: .decode, message: "unknown stage status") }
        self = v
    }
}
