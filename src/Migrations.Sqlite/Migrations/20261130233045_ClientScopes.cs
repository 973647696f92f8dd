using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Akua.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ClientScopes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Scopes",
                table: "OAuthClients",
                type: "TEXT",
                maxLength: 512,
                nullable: false,
                // Clients registered before scopes may ask for every scope but credential management (OAuthScopes.ClientDefault);
                // the default also serves an older node that inserts a client during a rolling upgrade.
                defaultValue: "installs:read installs:write api_tokens:read members:read oauth_clients:read audit:read workspace:read workspace:write");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Scopes",
                table: "OAuthClients");
        }
    }
}
