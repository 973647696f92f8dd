namespace Akua.Application.Common.Behaviors;

/// <summary>
/// A command's changes are saved once, after its handler, in one transaction. Constrained to commands: a
/// query's pipeline does not even contain this step. A lost race is a 409, unless the command answers it
/// itself (<see cref="IAnswersConflict{TResponse}"/>) or commits itself (<see cref="ICommitsItself"/>).
/// </summary>
internal sealed class UnitOfWorkBehavior<TMessage, TResponse>(IApplicationDbContext db)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        if (message is ICommitsItself)
        {
            return response;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DomainException e) when (e.Kind == ErrorKind.Conflict && message is IAnswersConflict<TResponse> answers)
        {
            db.DiscardChanges();
            return answers.AnswerConflict(response);
        }

        return response;
    }
}
