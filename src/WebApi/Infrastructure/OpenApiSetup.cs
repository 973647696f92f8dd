using Akua.Application.Common.Security;
using Akua.WebApi.Endpoints;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Akua.WebApi.Infrastructure;

/// <summary>
/// The OpenAPI 3.1 document of every <c>/v1</c> route: the bearer scheme, the Akua-Context header on
/// workspace-scoped routes, and the error envelope on every error answer.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentPath = "/v1/openapi.json";
    private const string ErrorSchema = "ErrorEnvelope";

    public static IServiceCollection AddAkuaOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.ShouldInclude = description => description.RelativePath?.StartsWith("v1/", StringComparison.Ordinal) == true;
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Akua API",
                Version = "v1",
                Description = "Authenticate with Authorization: Bearer <session token | sk_akua_ workspace API token | OAuth2 JWT>. " +
                    "Timestamps are Unix seconds; lists are newest first with cursor pagination.",
            };
            document.Servers = [];
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
