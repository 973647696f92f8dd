namespace Akua.WebApi.Http;

public static class RequestLimits
{
    /// <summary>API.md: 64 KiB is plenty for this API.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// Refuses a declared oversized body before anything reads it. Kestrel's own limit
    /// (<c>MaxRequestBodySize</c>) covers bodies sent without a length.
    /// </summary>
    public static IApplicationBuilder UseBodySizeLimit(this IApplicationBuilder app) => app.Use((context, next) =>
        context.Request.ContentLength > MaxBodyBytes
            ? ApiErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is over the limit of {MaxBodyBytes / 1024} KiB.")
            : next(context));
}
