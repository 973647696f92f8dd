using System.Reflection;
using Akua.Application.Common.Authorization;
using FluentValidation;
using Mediator;

namespace Akua.Architecture.Tests;

/// <summary>The shape of every use case: internal sealed handlers and validators, and a declared authorization.</summary>
public sealed class UseCaseConventionTests
{
    private static readonly Assembly Application = typeof(Akua.Application.DependencyInjection).Assembly;

    private static readonly Type[] HandlerInterfaces =
    [
        typeof(ICommandHandler<,>), typeof(IQueryHandler<,>), typeof(IRequestHandler<,>),
        typeof(ICommandHandler<>), typeof(IRequestHandler<>),
    ];

    private static readonly Type[] AuthorizationDeclarations = [typeof(IAnonymousRequest), typeof(IAuthenticatedRequest), typeof(IWorkspaceRequest)];

    private static IEnumerable<Type> ApplicationTypes => Application.GetTypes().Where(t => t.Namespace?.StartsWith("Akua.Application", StringComparison.Ordinal) == true);

    private static List<Type> Handlers => ApplicationTypes
        .Where(t => t.GetInterfaces().Any(i => i.IsGenericType && HandlerInterfaces.Contains(i.GetGenericTypeDefinition())))
        .ToList();

    private static List<Type> Requests => ApplicationTypes
        .Where(t => !t.IsAbstract && !t.IsInterface && (typeof(IBaseRequest).IsAssignableFrom(t) || typeof(IBaseCommand).IsAssignableFrom(t) || typeof(IBaseQuery).IsAssignableFrom(t)))
        .ToList();

    /// <summary>
    /// A handler that writes to the revocation feed (directly, or through the session helper) belongs to a command
    /// that declares <see cref="Akua.Application.Common.Security.IRevokesCredentials"/>: without it the request
    /// would answer before other nodes stop accepting what it revoked. And no command declares it for nothing.
    /// </summary>
    [Fact]
    public void Every_command_that_revokes_declares_the_revocation_barrier()
    {
        var revoking = NetArchTest.Rules.Types.InAssembly(Application)
            .That().HaveDependencyOnAny("Akua.Domain.Revocations", "Akua.Application.Sessions.SessionRevocation")
            .GetTypes()
            .Where(t => Handlers.Contains(t))
            .Select(h => h.GetInterfaces().First(i => i.IsGenericType && HandlerInterfaces.Contains(i.GetGenericTypeDefinition())).GetGenericArguments()[0])
            .ToHashSet();
        var declared = Requests.Where(typeof(Akua.Application.Common.Security.IRevokesCredentials).IsAssignableFrom).ToHashSet();

        Assert.True(revoking.Count >= 5, $"only {revoking.Count} revoking commands found: the rule would prove nothing");
        Assert.Equal(revoking.Select(t => t.Name).Order(), declared.Select(t => t.Name).Order());
    }

    /// <summary>
    /// Use cases and behaviours say what they need in their constructors: no service location. The one exception
    /// is <see cref="Akua.Application.Common.Deferred{T}"/>, the declared way to resolve a scoped service lazily.
    /// </summary>
    [Fact]
    public void Nothing_in_Application_takes_a_service_provider_but_Deferred()
    {
        var locators = ApplicationTypes
            .Where(t => t != typeof(Akua.Application.Common.Deferred<>))
            .Where(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                .Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(IServiceProvider))))
            .Select(t => t.Name)
            .ToList();

        Assert.Empty(locators);
        Assert.Contains(Handlers, h => h.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(Akua.Application.Common.Deferred<>))));
    }

    /// <summary>
    /// One save per command, by the unit of work. A handler that saved as well would commit half a use case
    /// before the rest ran, and hide a lost race from the one place that answers it. The exceptions declare
    /// <see cref="Akua.Application.Common.Behaviors.ICommitsItself"/> (and the unit of work then does not save).
    /// Read from the IL: an async method's body is its state machine, nested in the type that declares it.
    /// </summary>
    [Fact]
    public void Only_the_unit_of_work_saves_unless_a_command_commits_itself()
    {
        using var module = Mono.Cecil.ModuleDefinition.ReadModule(Application.Location);
        var savers = module.GetTypes()
            .Where(t => t.Methods.Any(m => m.HasBody && m.Body.Instructions.Any(i => i.Operand is Mono.Cecil.MethodReference { Name: "SaveChangesAsync" })))
            .Select(t => Outermost(t).Name)
            .ToHashSet();
        var committingItself = Requests
            .Where(typeof(Akua.Application.Common.Behaviors.ICommitsItself).IsAssignableFrom)
            .Select(r => r.Name[..^"Command".Length] + "Handler");

        Assert.Equal(committingItself.Append("UnitOfWorkBehavior`2").Order(), savers.Order());

        static Mono.Cecil.TypeDefinition Outermost(Mono.Cecil.TypeDefinition type) => type.DeclaringType is null ? type : Outermost(type.DeclaringType);
    }

    /// <summary>
    /// Least privilege (issue 19): every workspace request names exactly one permission next to its minimum role
    /// (the compiler insists on the declaration; this checks it is one real permission, and that a read never
    /// needs a write).
    /// </summary>
    [Fact]
    public void Every_workspace_request_needs_exactly_one_permission()
    {
        var workspaceRequests = Requests.Where(typeof(IWorkspaceRequest).IsAssignableFrom).ToList();
        Assert.True(workspaceRequests.Count >= 20, $"only {workspaceRequests.Count} workspace requests found: the rule would prove nothing");
        Assert.All(workspaceRequests, r =>
        {
            var permission = (Akua.Domain.Workspaces.Permission)r.GetProperty(nameof(IWorkspaceRequest.Permission), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            Assert.True(Akua.Domain.Workspaces.Permissions.All.Any(p => p.Value == permission), $"{r.Name} needs {permission}, which is not one permission");
            if (r.Name.EndsWith("Query", StringComparison.Ordinal))
            {
                Assert.EndsWith(":read", Akua.Domain.Workspaces.Permissions.NameOf(permission), StringComparison.Ordinal);
            }
        });
    }

    /// <summary>
    /// The audit log is complete by construction: every command's handler records an event through
    /// <c>IAuditTrail</c> (read from the IL, as above), unless the command is listed here as changing nothing a
    /// security review asks about. A new command fails this test until it decides which it is.
    /// </summary>
    [Fact]
    public void Every_command_records_an_audit_event_unless_it_is_declared_not_security_relevant()
    {
        string[] notSecurityRelevant =
        [
            "CreateInstallCommand", "DeleteInstallCommand", // the workspace's own data, not who may act on it
            "StartDeviceAuthorizationCommand", // anonymous and rate-limited; its approval or denial is recorded
        ];
        using var module = Mono.Cecil.ModuleDefinition.ReadModule(Application.Location);
        var auditing = module.GetTypes()
            .Where(t => t.Methods.Any(m => m.HasBody && m.Body.Instructions.Any(i =>
                i.Operand is Mono.Cecil.MethodReference { DeclaringType.Name: "IAuditTrail" }
                || i.Operand is Mono.Cecil.MethodReference { Name: "EndReplayedGrantAsync" })))
            .Select(t => Outermost(t).Name)
            .ToHashSet();
        var commands = Requests.Where(r => r.GetInterfaces().Any(i => i.Name.StartsWith("ICommand", StringComparison.Ordinal)) && !r.IsAbstract).ToList();
        Assert.True(commands.Count >= 20, $"only {commands.Count} commands found: the rule would prove nothing");

        var silent = commands
            .Where(c => !notSecurityRelevant.Contains(c.Name) && !auditing.Contains(c.Name[..^"Command".Length] + "Handler"))
            .Select(c => c.Name)
            .ToList();
        var listedButAuditing = notSecurityRelevant.Where(c => auditing.Contains(c[..^"Command".Length] + "Handler"));

        Assert.True(silent.Count == 0, "commands that record no audit event: " + string.Join(", ", silent));
        Assert.Empty(listedButAuditing);

        static Mono.Cecil.TypeDefinition Outermost(Mono.Cecil.TypeDefinition type) => type.DeclaringType is null ? type : Outermost(type.DeclaringType);
    }

    /// <summary>
    /// One mapping style: an entity becomes its response through Mapster, configured beside the response (an
    /// <c>IRegister</c>), never through a hand-written factory on the response that a renamed field would not break.
    /// </summary>
    [Fact]
    public void Responses_are_mapped_by_Mapster_not_by_factories()
    {
        var responses = ApplicationTypes.Where(t => t.Name.EndsWith("Response", StringComparison.Ordinal)).ToList();
        var factories = responses
            .Where(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static).Any(m => m.ReturnType == t))
            .Select(t => t.Name);
        var registrations = ApplicationTypes.Count(t => typeof(Mapster.IRegister).IsAssignableFrom(t) && !t.IsInterface);

        Assert.True(responses.Count >= 10, $"only {responses.Count} responses found: the rule would prove nothing");
        Assert.Empty(factories);
        Assert.True(registrations >= 8, $"only {registrations} mappings registered beside their responses");
    }

    [Fact]
    public void Handlers_are_internal_sealed_and_named_for_their_use_case()
    {
        var handlers = Handlers;
        Assert.NotEmpty(handlers);
        Assert.All(handlers, h =>
        {
            Assert.False(h.IsPublic || h.IsNestedPublic, $"{h.Name} is public");
            Assert.True(h.IsSealed, $"{h.Name} is not sealed");
            Assert.EndsWith("Handler", h.Name, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Validators_are_internal_and_sealed()
    {
        var validators = ApplicationTypes.Where(t => !t.IsAbstract && typeof(IValidator).IsAssignableFrom(t)).ToList();
        Assert.NotEmpty(validators);
        Assert.All(validators, v =>
        {
            Assert.False(v.IsPublic || v.IsNestedPublic, $"{v.Name} is public");
            Assert.True(v.IsSealed, $"{v.Name} is not sealed");
            Assert.EndsWith("Validator", v.Name.Split('`')[0], StringComparison.Ordinal); // PagedQueryValidator`1 too
        });
    }

    [Fact]
    public void Every_request_declares_exactly_one_authorization_requirement()
    {
        var requests = Requests;
        Assert.NotEmpty(requests);
        Assert.All(requests, r =>
        {
            var declared = AuthorizationDeclarations.Where(d => d.IsAssignableFrom(r)).Select(d => d.Name).ToList();
            Assert.True(declared.Count == 1, $"{r.Name} declares {(declared.Count == 0 ? "no authorization requirement" : string.Join(" and ", declared))}");
        });
    }

    /// <summary>
    /// An integration's access ends with its grant. What acts on a user's own account (sessions, sign-in
    /// approvals, consent, answering invitations) is never open to it; what could outlive the grant in a workspace
    /// (credentials, integrations, members, roles, invitations) needs a credential-management permission, which an
    /// integration holds only when its client was registered for it and its user approved.
    /// </summary>
    [Fact]
    public void Requests_that_manage_credentials_members_or_sessions_are_closed_to_integrations_without_a_registered_scope()
    {
        string[] guarded = ["Sessions", "DeviceAuthorization", "OAuth", "Invitations"];
        string[] guardedWrites = ["ApiTokens", "OAuthClients", "Members", "Invitations"];
        static string Area(Type r) => r.Namespace!.Split('.') is { Length: > 2 } parts ? parts[2] : "";

        var accountRequests = Requests.Where(r => typeof(IAuthenticatedRequest).IsAssignableFrom(r) && guarded.Contains(Area(r))).ToList();
        Assert.True(accountRequests.Count >= 8, $"only {accountRequests.Count} requests matched: the namespaces moved?");
        Assert.All(accountRequests, r =>
        {
            var access = (IntegrationAccess)r.GetProperty(nameof(IAuthenticatedRequest.Integrations), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            Assert.True(access == IntegrationAccess.Refused, $"{r.Name} is open to integrations");
        });

        var workspaceWrites = Requests.Where(r => typeof(IWorkspaceRequest).IsAssignableFrom(r) && guardedWrites.Contains(Area(r))
            && r.Name.EndsWith("Command", StringComparison.Ordinal)).ToList();
        Assert.True(workspaceWrites.Count >= 9, $"only {workspaceWrites.Count} requests matched: the namespaces moved?");
        Assert.All(workspaceWrites, r =>
        {
            var permission = (Akua.Domain.Workspaces.Permission)r.GetProperty(nameof(IWorkspaceRequest.Permission), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            Assert.True((permission & Akua.Domain.OAuth.OAuthScopes.CredentialManagement) == permission,
                $"{r.Name} needs {permission}, which every integration may be granted");
        });
    }

    [Fact]
    public void Requests_are_immutable_sealed_records_named_command_or_query()
    {
        var requests = Requests;
        Assert.NotEmpty(requests);
        Assert.All(requests, r =>
        {
            Assert.True(r.IsSealed, $"{r.Name} is not sealed");
            Assert.True(r.Name.EndsWith("Command", StringComparison.Ordinal) || r.Name.EndsWith("Query", StringComparison.Ordinal), $"{r.Name} is not named as a command or query");
            var mutable = r.GetProperties().Where(p => p.SetMethod is { } set && !set.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit")).ToList();
            Assert.True(mutable.Count == 0, $"{r.Name} has settable properties: {string.Join(", ", mutable.Select(p => p.Name))}");
        });
    }

    [Fact]
    public void Every_handler_sits_in_the_folder_of_its_use_case()
    {
        var handlers = Handlers;
        Assert.NotEmpty(handlers);
        Assert.All(handlers, h =>
        {
            var useCase = h.Name[..^"Handler".Length];
            Assert.EndsWith("." + useCase, h.Namespace, StringComparison.Ordinal);
        });
    }
}
