using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Akua.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddressAllowlists : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AllowedIps",
                table: "OAuthClients",
                type: "TEXT",
                maxLength: 1408,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AllowedIps",
                table: "ApiTokens",
                type: "TEXT",
                maxLength: 1408,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AllowedIps",
                table: "OAuthClients");

            migrationBuilder.DropColumn(
                name: "AllowedIps",
                table: "ApiTokens");
        }
    }
}
