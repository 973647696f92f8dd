using Akua.Application.Common.Security;
using Akua.Domain.Workspaces;
using Akua.WebApi.Endpoints;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Akua.WebApi.Http;

/// <summary>
/// The OpenAPI 3.1 document of every <c>/v1</c> route and the account routes: the server, an operationId on
/// every operation (the endpoint's name: the CLI's generated client names its methods after it), described
/// tags, the bearer scheme, the Akua-Context header on workspace-scoped routes, and the error envelope on
/// every error answer. <c>docs/openapi.json</c> is this document; Redocly's recommended rules pass on it.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentPath = "/v1/openapi.json";
    private const string ErrorSchema = "ErrorEnvelope";

    public static IServiceCollection AddAkuaOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.ShouldInclude = description => description.RelativePath is { } path &&
            (path.StartsWith("v1/", StringComparison.Ordinal) || path.StartsWith("api/auth/sign-", StringComparison.Ordinal));
        options.AddDocumentTransformer((document, context, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Akua API",
                Version = "v1",
                License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Akua-Proprietary" }, // an SPDX reference to a licence of one's own
                Description = "Authenticate with Authorization: Bearer <session token | sk_akua_ workspace API token | OAuth2 JWT>. " +
                    "Timestamps are Unix seconds; lists are newest first with cursor pagination.",
            };
            // The document is made while serving a request, so in Development without a public URL the issuer is the request's.
            var issuer = context.ApplicationServices.GetRequiredService<Akua.Application.Common.Abstractions.IIssuer>().Issuer;
            document.Servers = [new OpenApiServer { Url = issuer, Description = "This server (its Akua:PublicUrl)" }];
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                ["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A session token (32 characters), a workspace API token (sk_akua_...), or an OAuth2 access token (JWT).",
                },
            };
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ErrorSchema] = ErrorEnvelopeSchema();
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] }];
            return Task.CompletedTask;
        });
        // Inlined, not a component: it is an integer on the wire (see the transformer below).
        options.CreateSchemaReferenceId = info => info.Type == typeof(System.Text.Json.JsonElement) ? null : Microsoft.AspNetCore.OpenApi.OpenApiOptions.CreateDefaultSchemaReferenceId(info);
        options.AddSchemaTransformer((schema, context, _) =>
        {
            // Enums are read by StrictEnumConverterFactory, which the schema generator cannot see through: say here
            // that each one is a string with exactly these values.
            var type = context.JsonTypeInfo.Type;
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.IsEnum)
            {
                schema.Type = JsonSchemaType.String;
                schema.Enum = [.. StrictEnumConverterFactory.NamesOf(type).Select(name => (System.Text.Json.Nodes.JsonNode)name)];
            }

            // The one JsonElement in a request is a PATCH field that tells null ("no limit") from absent
            // ("unchanged"): on the wire it is an integer or null.
            if (type == typeof(System.Text.Json.JsonElement))
            {
                schema.Type = JsonSchemaType.Integer | JsonSchemaType.Null;
                schema.Format = "int64";
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<WorkspaceScopedMetadata>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = WorkspaceContextHeader.Name,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "The workspace to act on (ws_...). Required with a broad credential (session, JWT); " +
                        "optional and redundant with a workspace API token, and a 403 if it names another workspace.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^ws_[A-Za-z0-9_]{1,50}$" },
                });
            }

            // What the operation needs, from the request's own declaration (what the authorization behaviour enforces).
            if (metadata.OfType<RequiredPermissionMetadata>().FirstOrDefault() is { } needs)
            {
                var permission = Permissions.NameOf(needs.Permission);
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                operation.Extensions["x-akua-permission"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(permission));
                var needed = $"Needs the `{permission}` permission and at least the {needs.MinimumRole.ToString().ToLowerInvariant()} role; " +
                    "a credential without them gets 403 (`insufficient_permission` for the permission).";
                operation.Description = string.IsNullOrEmpty(operation.Description) ? needed : operation.Description + "\n\n" + needed;
            }

            if (metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any())
            {
                operation.Security = []; // no credential: this is how a caller gets its first one
            }

            operation.Responses ??= new OpenApiResponses();
            foreach (var (status, description) in ErrorsOf(context.Description.HttpMethod, metadata.OfType<WorkspaceScopedMetadata>().Any()))
            {
                operation.Responses.TryAdd(status, new OpenApiResponse
                {
                    Description = description,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = new OpenApiSchemaReference(ErrorSchema, context.Document) },
                    },
                });
            }

            return Task.CompletedTask;
        });
    });

    /// <summary>Every tag an operation uses, in the order a reader meets them.</summary>
    public static readonly (string Name, string Description)[] Tags =
    [
        ("Accounts", "Sign up, sign in and sign out with email and password. A session token is a broad credential: it acts in any of its user's workspaces, named with Akua-Context."),
        ("Auth", "The credential that makes the request: who it is, its kind, workspace, role and expiry."),
        ("Sessions", "A user's signed-in sessions (the CLI, browsers): list them and end them."),
        ("Workspaces", "The workspaces a user belongs to; every other resource lives in one."),
        ("Members", "Who belongs to a workspace, and with which role (owner, admin, member)."),
        ("Invitations", "Invitations to join a workspace, from its side and from the invited user's side."),
        ("API tokens", "Workspace API tokens (sk_akua_...) for CI and scripts: shown once, stored hashed, revoked at once on every node."),
        ("Installs", "The workspace's installs."),
        ("OAuth clients", "Integrations registered in a workspace, which get OAuth2 access tokens (JWTs) with a user's consent."),
        ("Audit log", "Every security-relevant change, recorded in the same transaction as the change: the workspace's log (owners and admins) and each user's own account events."),
        ("Secret scanning", "Where a secret scanner (GitHub's partner program) reports sk_akua_ tokens found in public: each live one is revoked at once."),
    ];

    private static IEnumerable<(string Status, string Description)> ErrorsOf(string? method, bool workspaceScoped)
    {
        yield return ("400", "Malformed request: JSON, header, limit or cursor.");
        yield return ("401", "No credential, or an unknown, malformed, expired or revoked one.");
        yield return ("403", workspaceScoped ? "Role too low, or the workspace is not selected or not allowed." : "Not allowed.");
        yield return ("404", "No such resource in the caller's workspace.");
        if (method is "POST" or "PATCH" or "PUT")
        {
            yield return ("409", "Conflicts with the current state.");
            yield return ("413", "The body is over 64 KiB.");
            yield return ("422", "The body fails validation; error.details lists the fields.");
        }

        yield return ("429", "Too many attempts; see Retry-After.");
        yield return ("503", "The database is unreachable; the request was not applied.");
    }

    private static OpenApiSchema ErrorEnvelopeSchema()
    {
        var text = new OpenApiSchema { Type = JsonSchemaType.String };
        var detail = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "field", "message" },
            Properties = new Dictionary<string, IOpenApiSchema> { ["field"] = text, ["message"] = text },
        };
        var error = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "code", "message", "request_id" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["code"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = [.. new[] { "bad_request", "unauthorized", "forbidden", "not_found", "conflict", "payload_too_large", "validation_error", "rate_limited", "internal_error", "service_unavailable" }
                        .Select(c => (System.Text.Json.Nodes.JsonNode)System.Text.Json.Nodes.JsonValue.Create(c)!)],
                },
                ["message"] = text,
                ["request_id"] = text,
                ["details"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = detail },
            },
        };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "error" },
            Properties = new Dictionary<string, IOpenApiSchema> { ["error"] = error },
        };
    }
}
