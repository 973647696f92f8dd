using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Akua.Migrations.PostgreSQL.Migrations
{
    /// <inheritdoc />
    public partial class TokenPermissions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Permissions",
                table: "ApiTokens",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Permissions",
                table: "ApiTokens");
        }
    }
}
