using Akua.Application;
using Akua.Infrastructure;
using Akua.Infrastructure.Persistence;
using Akua.WebApi.Endpoints;
using Akua.WebApi.Infrastructure;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSerilog((services, logger) =>
{
    logger.ReadFrom.Configuration(builder.Configuration)
        .MinimumLevel.Information()
        .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
        .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
        .Enrich.FromLogContext();
    if (builder.Environment.IsDevelopment())
    {
        logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {RequestId} {Message:lj}{NewLine}{Exception}");
    }
    else
    {
        logger.WriteTo.Console(new CompactJsonFormatter());
    }
});

builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = RequestLimits.MaxBodyBytes;
});

builder.Services.ConfigureHttpJsonOptions(json => AkuaJson.Configure(json.SerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // binding failures reach the one error mapper
builder.Services.AddExceptionHandler<ApiExceptionHandler>();
builder.Services.AddProblemDetails();
builder.Services.AddAuthorization();
builder.Services.AddOpenApi();

builder.Services.AddApplication();
builder.Services.AddInfrastructure(Path.Combine(builder.Environment.ContentRootPath, "data"));

var app = builder.Build();

try
{
    if (args.Contains("migrate", StringComparer.Ordinal))
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseStartup>().MigrateAsync(CancellationToken.None);
        return 0;
    }

    using (var scope = app.Services.CreateScope())
    {
        await scope.ServiceProvider.GetRequiredService<DatabaseStartup>().PrepareAsync(CancellationToken.None);
    }
}
catch (StartupException e)
{
    // One clear line for the operator, not a stack trace.
    await Console.Error.WriteLineAsync($"akua: {e.Message}");
    return 1;
}

app.UseMiddleware<RequestIdMiddleware>();
app.UseSerilogRequestLogging(o => o.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms");
app.UseExceptionHandler();
app.UseBodySizeLimit();
app.UseStatusCodePages(context => ApiErrors.WriteStatusPageAsync(context.HttpContext));
app.UseAuthorization();

app.MapOpenApi("/v1/openapi.json");
app.MapHealthEndpoints();
app.MapAccountEndpoints();

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the functional tests' host.</summary>
public partial class Program;
