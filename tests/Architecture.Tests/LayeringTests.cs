using System.Reflection;
using NetArchTest.Rules;

namespace Akua.Architecture.Tests;

/// <summary>
/// The layers of the design card. Each rule also asserts that its selector matched types, so a rule that
/// looks at the wrong assembly (or an empty one) fails instead of passing on nothing.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Assembly Domain = typeof(Akua.Domain.Common.DomainException).Assembly;
    private static readonly Assembly Application = typeof(Akua.Application.DependencyInjection).Assembly;
    private static readonly Assembly Infrastructure = typeof(Akua.Infrastructure.DependencyInjection).Assembly;

    private static readonly string[] DatabaseProviders =
    [
        "Microsoft.EntityFrameworkCore.Sqlite",
        "Microsoft.EntityFrameworkCore.SqlServer",
        "Npgsql",
        "Microsoft.Data.Sqlite",
        "Microsoft.Data.SqlClient",
    ];

    [Fact]
    public void Domain_depends_on_no_other_layer_and_no_framework()
    {
        AssertRule(Types.InAssembly(Domain).ShouldNot().HaveDependencyOnAny(
            "Akua.Application", "Akua.Infrastructure", "Akua.WebApi", "Microsoft.EntityFrameworkCore", "Microsoft.AspNetCore", "Mediator", "FluentValidation"), Domain);
        AssertReferencesOnly(Domain, "System.", "netstandard", "Microsoft.Win32");
    }

    [Fact]
    public void Application_depends_on_neither_infrastructure_nor_web_nor_a_database_provider()
    {
        AssertRule(Types.InAssembly(Application).ShouldNot().HaveDependencyOnAny(
            ["Akua.Infrastructure", "Akua.WebApi", "Akua.Migrations", "Microsoft.AspNetCore", .. DatabaseProviders]), Application);
        Assert.DoesNotContain(Application.GetReferencedAssemblies(), a =>
            a.Name!.StartsWith("Akua.Infrastructure", StringComparison.Ordinal) || a.Name.StartsWith("Akua.WebApi", StringComparison.Ordinal)
            || DatabaseProviders.Any(p => a.Name.StartsWith(p, StringComparison.Ordinal)));
    }

    [Fact]
    public void Infrastructure_does_not_depend_on_the_web_layer()
    {
        AssertRule(Types.InAssembly(Infrastructure).ShouldNot().HaveDependencyOn("Akua.WebApi"), Infrastructure);
        Assert.DoesNotContain(Infrastructure.GetReferencedAssemblies(), a => a.Name == "Akua.WebApi");
    }

    [Fact]
    public void Domain_security_state_has_no_public_setters()
    {
        var entities = Types.InAssembly(Domain).That().AreClasses().And().AreNotAbstract().And().DoNotHaveNameEndingWith("Exception").GetTypes()
            .Where(t => !t.IsNested && t.Namespace != "Akua.Domain.Common").ToList();
        Assert.True(entities.Count >= 7, $"expected the entities, found {entities.Count}");

        var publicSetters = entities.SelectMany(t => t.GetProperties().Where(p => p.SetMethod?.IsPublic == true).Select(p => $"{t.Name}.{p.Name}")).ToList();
        Assert.Empty(publicSetters);
    }

    internal static void AssertRule(ConditionList rule, Assembly assembly)
    {
        Assert.NotEmpty(Types.InAssembly(assembly).GetTypes());
        var result = rule.GetResult();
        Assert.True(result.IsSuccessful, "Violations: " + string.Join(", ", result.FailingTypeNames ?? []));
    }

    private static void AssertReferencesOnly(Assembly assembly, params string[] allowedPrefixes)
    {
        var references = assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.NotEmpty(references);
        Assert.All(references, name => Assert.True(allowedPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal) || name == p.TrimEnd('.')), $"{assembly.GetName().Name} references {name}"));
    }
}
