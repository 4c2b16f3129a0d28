// Skeleton: the driver is implemented under issue 2.
public enum CopierDriver {
    public static let version = "0.1"
}
