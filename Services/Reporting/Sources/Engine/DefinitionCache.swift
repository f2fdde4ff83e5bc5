import Foundation
import KitPostgres
import Models

/// Indicator sets by version id, and forms by program, kept for the life of the process:
/// definitions are data written by migrations and a version is never changed once periods use
/// it (a new set is a new version), so a save or submit need not read them again.
enum DefinitionCache {
    private final class Store: @unchecked Sendable {
        let lock = NSLock()
        var definitions: [String: FormDefinition] = [:]
        var forms: [String: [FormRecord]] = [:]
    }
    private static let store = Store()

    static func definition(_ conn: PGConnection, versionID: String) throws -> FormDefinition {
        store.lock.lock()
        let hit = store.definitions[versionID]
        store.lock.unlock()
        if let hit { return hit }
        guard let version = try DefinitionStore.version(conn, id: versionID) else { throw APIError.internalError }
        let def = try DefinitionStore.definition(conn, version: version)
        store.lock.lock()
        store.definitions[versionID] = def
        store.lock.unlock()
        return def
    }

    static func forms(_ conn: PGConnection, programID: String) throws -> [FormRecord] {
        store.lock.lock()
        let hit = store.forms[programID]
        store.lock.unlock()
        if let hit { return hit }
        let forms = try DefinitionStore.forms(conn, programID: programID)
        store.lock.lock()
        store.forms[programID] = forms
        store.lock.unlock()
        return forms
    }
}
