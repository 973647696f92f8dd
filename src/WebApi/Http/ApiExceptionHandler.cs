using System.Text.Json;
using Akua.Application.Common.Validation;
using Akua.Application.OAuth;
using Akua.Domain.Common;
using Akua.Infrastructure.Persistence;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;

namespace Akua.WebApi.Http;

/// <summary>
/// The one place where failures become HTTP: expected ones get their status and a clear message; anything
/// else is a 500 whose body says nothing about the exception.
/// </summary>
public sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (context.Response.HasStarted)
        {
            return false;
        }

        var path = BrowserErrors.OriginalPath(context);
        if (OAuthResponses.IsOAuthPath(path) && AsOAuthError(exception) is { } oauth)
        {
            if (exception is DomainException { RetryAfter: { } wait })
            {
                RetryAfter.Set(context, wait);
            }

            await OAuthResponses.WriteErrorAsync(context, oauth.Error, oauth.Status);
            return true;
        }

        var (status, message, details) = Classify(exception);
        if (status == StatusCodes.Status500InternalServerError)
        {
            LogUnhandled(logger, exception, context.Request.Method, path);
        }
        else if (status == StatusCodes.Status503ServiceUnavailable)
        {
            LogDatabaseUnavailable(logger, exception.GetBaseException().GetType().Name);
            context.Response.Headers.RetryAfter = "1";
        }

        else if (exception is DomainException { RetryAfter: { } retryAfter })
        {
            RetryAfter.Set(context, retryAfter);
        }
        else if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = Authentication.AkuaAuthenticationDefaults.BearerChallenge;
        }

        if (BrowserErrors.WantsHtml(context))
        {
            // Not handled here: the middleware re-executes the error page (ExceptionHandlingPath) with this status.
            context.Response.StatusCode = status;
            return false;
        }

        await ApiErrors.WriteAsync(context, status, message, details, (exception as DomainException)?.Code);
        return true;
    }

    private static (int Status, string Message, IReadOnlyList<ApiErrorDetail>? Details) Classify(Exception exception) => exception switch
    {
        DomainException e => (StatusFor(e.Kind), e.Message, null),
        ValidationException e when e.Errors.Any(f => f.ErrorCode == RuleExtensions.MalformedRequestCode) => (StatusCodes.Status400BadRequest,
            string.Join(" ", e.Errors.Where(f => f.ErrorCode == RuleExtensions.MalformedRequestCode).Select(f => f.ErrorMessage)), null),
        ValidationException e => (StatusCodes.Status422UnprocessableEntity, "The request body is not valid.",
            e.Errors.Select(f => new ApiErrorDetail(JsonNamingPolicy.SnakeCaseLower.ConvertName(f.PropertyName), f.ErrorMessage)).ToList()),
        BadHttpRequestException { InnerException: JsonException json } when AkuaJson.IsInvalidUtf8(json) =>
            (StatusCodes.Status400BadRequest, "The request body is not valid UTF-8.", null),
        BadHttpRequestException { InnerException: JsonException json } when AkuaJson.IsUnknownMember(json) =>
            (StatusCodes.Status422UnprocessableEntity, "The request body has an unknown field.",
                [new ApiErrorDetail(FieldOf(json), "This field is not part of the request.")]),
        BadHttpRequestException { InnerException: JsonException json } when AkuaJson.IsWrongValue(json) =>
            (StatusCodes.Status422UnprocessableEntity, "The request body is not valid.",
                [new ApiErrorDetail(FieldOf(json), "This value has the wrong type or is not one of the allowed values.")]),
        BadHttpRequestException { InnerException: JsonException } =>
            (StatusCodes.Status400BadRequest, "The request body is not valid JSON for this endpoint.", null),
        BadHttpRequestException e when IsTooLarge(e) =>
            (StatusCodes.Status413PayloadTooLarge, "The request body is too large.", null),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
            (StatusCodes.Status400BadRequest, "The request body must be JSON (Content-Type: application/json).", null),
        BadHttpRequestException e => (StatusCodes.Status400BadRequest, "The request is malformed.", null),
        _ when DatabaseErrors.IsUnavailable(exception) =>
            (StatusCodes.Status503ServiceUnavailable, "The database is unavailable; the request was not applied. Try again.", null),
        _ => (StatusCodes.Status500InternalServerError, "An internal error occurred.", null),
    };

    /// <summary>The OAuth endpoints' failures in their own shape; null for what is not a client error (5xx stay envelopes).</summary>
    private static (OAuthError Error, int Status)? AsOAuthError(Exception exception) => exception switch
    {
        OAuthException e => (e.Error, StatusCodes.Status400BadRequest),
        ValidationException e => (OAuthError.InvalidRequest(string.Join(" ", e.Errors.Select(f => f.ErrorMessage))), StatusCodes.Status400BadRequest),
        DomainException { Kind: ErrorKind.RateLimited } e => (new OAuthError("slow_down", e.Message), StatusCodes.Status429TooManyRequests),
        BadHttpRequestException e when IsTooLarge(e) => (OAuthError.InvalidRequest("The request body is too large."), StatusCodes.Status413PayloadTooLarge),
        BadHttpRequestException => (OAuthError.InvalidRequest("The request is malformed."), StatusCodes.Status400BadRequest),
        _ => null,
    };

    private static bool IsTooLarge(BadHttpRequestException exception)
    {
        // The body reader's 413 arrives wrapped in the binder's 400.
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                return true;
            }
        }

        return false;
    }

    private static int StatusFor(ErrorKind kind) => kind switch
    {
        ErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        ErrorKind.Validation => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.RateLimited => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static string FieldOf(JsonException json) =>
        json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : json.Path ?? "$";

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable ({ExceptionType})")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string exceptionType);
}
