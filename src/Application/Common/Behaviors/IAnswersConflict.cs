namespace Akua.Application.Common.Behaviors;

/// <summary>
/// A command whose commit may lose a race (a concurrency token: two redemptions of one code) and that answers it
/// in its own terms rather than as the 409 every other command gives. The unit of work discards the changes and
/// asks the command for the answer; the handler never saves by itself.
/// </summary>
public interface IAnswersConflict<TResponse>
{
    /// <param name="handled">What the handler answered before its changes failed to commit.</param>
    TResponse AnswerConflict(TResponse handled);
}

/// <summary>
/// A command whose handler commits its own changes, because it retries a lost race with changed data (sign-up
/// takes the next free slug). The unit of work does not save it a second time. An architecture test pins the
/// marker on exactly the handlers that save.
/// </summary>
public interface ICommitsItself;
