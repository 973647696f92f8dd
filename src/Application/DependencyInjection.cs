using Akua.Application.Common.Behaviors;
using Microsoft.Extensions.DependencyInjection;

namespace Akua.Application;

public static class DependencyInjection
{
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        // The only place the Mediator source generator runs, so handlers stay internal to this assembly.
        services.AddMediator(options =>
        {
            // Transient: handlers and behaviours hold no state, and a transient (unlike a scoped service) is not
            // recorded in the request scope, so a request does not grow the scope's table for them (ADR 0013).
            options.ServiceLifetime = ServiceLifetime.Transient;
            options.PipelineBehaviors =
            [
                typeof(TracingBehavior<,>), // a span per use case, when telemetry listens
                typeof(LoggingScopeBehavior<,>),
                typeof(AuthorizationBehavior<,>),
                typeof(ValidationBehavior<,>),
                typeof(RevocationBarrierBehavior<,>), // outside the unit of work: waits after the commit
                typeof(UnitOfWorkBehavior<,>),
            ];
        });
        // Messages name fields as the API spells them (expires_at, not "Expires At").
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) =>
            member is null ? null : System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(member.Name);
        services.AddValidatorsFromAssembly(typeof(DependencyInjection).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);
        // Every list query gets the one paging validator (limit and cursor).
        foreach (var query in typeof(DependencyInjection).Assembly.GetTypes().Where(t => !t.IsAbstract && typeof(IPagedQuery).IsAssignableFrom(t)))
        {
            services.AddSingleton(typeof(IValidator<>).MakeGenericType(query), typeof(PagedQueryValidator<>).MakeGenericType(query));
        }

        // Compiled when first used, not while the host is built: compiling the mappings' expression trees sat on
        // the start-up path (ADR 0016). A test compiles the same configuration, so a bad mapping still fails early.
        services.AddSingleton<IMapper>(_ => new Mapper(MappingConfig.Create()));
        services.AddScoped<WorkspaceScope>();
        services.AddTransient<ApiTokens.ApiTokenIssuer>();
        services.AddTransient<OAuth.OAuthClientAuthenticator>();
        services.AddTransient(typeof(Common.Deferred<>)); // transient: not recorded in the request scope either
        return services;
    }
}
