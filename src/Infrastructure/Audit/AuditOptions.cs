namespace Akua.Infrastructure.Audit;

public sealed class AuditOptions
{
    /// <summary>
    /// How long an audit event is kept (<c>Audit:RetentionDays</c>); 400 days covers a yearly review. Deleted by
    /// <see cref="Retention.RetentionService"/>.
    /// </summary>
    public int RetentionDays { get; set; } = 400;
}
