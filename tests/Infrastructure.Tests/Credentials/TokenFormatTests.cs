using Akua.Application.Common.Security;
using Akua.Infrastructure.Credentials;
using Akua.Infrastructure.Security;

namespace Akua.Infrastructure.Tests.Credentials;

public sealed class TokenFormatTests
{
    private readonly Secrets _secrets = new();

    [Fact]
    public void A_new_api_token_has_the_documented_shape_and_a_valid_checksum()
    {
        var token = _secrets.NewApiToken().Value;

        Assert.Matches("^sk_akua_[A-Za-z0-9]{32}$", token);
        Assert.True(TokenFormat.HasValidChecksum(token));
        Assert.Equal(CredentialKind.ApiToken, TokenFormat.Classify(token));
    }

    [Fact]
    public void The_checksum_is_the_crc32_of_the_first_34_characters_in_base62()
    {
        // Recompute the documented rule by hand: CRC32 as a number, written in base62, left-padded to 6.
        var body = "sk_akua_" + new string('0', 26);
        var crc = System.IO.Hashing.Crc32.HashToUInt32(System.Text.Encoding.ASCII.GetBytes(body));
        var expected = string.Empty;
        for (var value = (ulong)crc; expected.Length < 6; value /= 62)
        {
            expected = TokenFormat.Base62[(int)(value % 62)] + expected;
        }

        Assert.Equal(body + expected, TokenFormat.WithChecksum(body));
    }

    [Fact]
    public void Changing_any_character_breaks_the_checksum()
    {
        var token = _secrets.NewApiToken().Value;
        for (var i = 8; i < token.Length; i++)
        {
            var chars = token.ToCharArray();
            chars[i] = chars[i] == 'a' ? 'b' : 'a';
            Assert.Null(TokenFormat.Classify(new string(chars)));
        }
    }

    [Fact]
    public void A_session_token_is_32_base62_characters()
    {
        var token = _secrets.NewSessionToken().Value;

        Assert.Matches("^[A-Za-z0-9]{32}$", token);
        Assert.Equal(CredentialKind.Session, TokenFormat.Classify(token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("0123456789012345678901234567890")] // 31
    [InlineData("012345678901234567890123456789012")] // 33
    [InlineData("0123456789012345678901234567890!")]
    [InlineData("sk_akua_")]
    [InlineData("sk_live_0123456789012345678901234567890123")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30")] // two segments
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.sig.extra")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.s+g")]
    [InlineData("ゼロ一二三四五六七八九十ゼロ一二三四五六七八九十ゼロ一二三四五六七八")]
    public void Anything_else_is_malformed(string token)
    {
        Assert.Null(TokenFormat.Classify(token));
    }

    [Fact]
    public void A_three_segment_base64url_string_starting_eyJ_is_a_jwt()
    {
        Assert.Equal(CredentialKind.Jwt, TokenFormat.Classify("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln_-"));
        Assert.Null(TokenFormat.Classify("eyJ" + new string('a', TokenFormat.MaxJwtLength) + ".a.b"));
    }

    [Fact]
    public void Secrets_are_stored_as_their_sha256()
    {
        var secret = _secrets.NewSessionToken();

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret.Value)), secret.Hash);
        Assert.Equal(secret.Hash, _secrets.Hash(secret.Value));
        Assert.DoesNotContain(secret.Value, secret.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Device_and_user_codes_have_their_shapes()
    {
        Assert.Matches("^[A-Za-z0-9_-]{43}$", _secrets.NewDeviceCode().Value);
        Assert.Matches("^[BCDFGHJKLMNPQRSTVWXZ]{8}$", _secrets.NewUserCode());
    }

    [Fact]
    public void Secrets_do_not_repeat()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => _secrets.NewApiToken().Value).ToHashSet();

        Assert.Equal(1000, tokens.Count);
    }
}
