/// Specialties identity puts on a data-entry grant as the tag of one reporting program: the
/// stroke registry's individual users (docs/registration.md) are granted `data_entry` at their
/// unit with specialty `stroke`, which reaches the stroke registry and nothing else of the unit.
/// Reporting confines such a caller to the program's reports; documents to the program's
/// report folders (it asks reporting whose a folder is).
public enum ProgramTags {
    public static let programs: [String: String] = ["stroke": "stroke_annual"]
}

extension AccessClaims {
    /// The program the bearer's hospital grant (the highest-ranked one) is tagged for, when it is
    /// a tagged data-entry grant; nil otherwise (the bearer is not confined by a tag).
    public var taggedProgram: String? {
        let hospital: Set<Role> = [.institutionAdmin, .specialtyAdmin, .dataEntry]
        guard let grant = roles.filter({ hospital.contains($0.role) }).max(by: { $0.role.rank < $1.role.rank }),
              grant.role == .dataEntry, let tag = grant.specialty else { return nil }
        return ProgramTags.programs[tag]
    }
}
