// Skeleton: the report library is implemented under issue 6.
public enum CopierReport {
    public static let schemaVersion = 1
}
