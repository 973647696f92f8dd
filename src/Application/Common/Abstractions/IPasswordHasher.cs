namespace Akua.Application.Common.Abstractions;

public enum PasswordCheck
{
    Failed,
    Success,
    SuccessRehashNeeded,
}

public interface IPasswordHasher
{
    string Hash(string password);

    PasswordCheck Verify(string hashedPassword, string password);

    /// <summary>Does the same work as a real verification, so an unknown account answers as slowly as a known one.</summary>
    void VerifyAgainstDummy(string password);
}
