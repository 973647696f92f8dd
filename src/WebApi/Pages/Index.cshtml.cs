using Mediator;

namespace Akua.WebApi.Pages;

public sealed class IndexModel(IMediator mediator) : AkuaPage(mediator)
{
    public void OnGet()
    {
    }
}
