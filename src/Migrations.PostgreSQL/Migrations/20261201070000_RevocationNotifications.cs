using Akua.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Akua.Migrations.PostgreSQL.Migrations
{
    /// <summary>
    /// Every entry of the revocation feed is also announced on the <c>akua_revocations</c> channel (NOTIFY), by a
    /// trigger: delivered when, and only if, the revoking transaction commits, whatever code inserted the row
    /// (issue 21, RevocationListener). Nothing in the model changes, so this migration has no target model.
    /// </summary>
    [DbContext(typeof(AkuaDbContext))]
    [Migration("20261201070000_RevocationNotifications")]
    public partial class RevocationNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION akua_notify_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('akua_revocations', encode(NEW."CredentialHash", 'hex'));
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER "Revocations_notify" AFTER INSERT ON "Revocations"
                    FOR EACH ROW EXECUTE FUNCTION akua_notify_revocation();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER "Revocations_notify" ON "Revocations";
                DROP FUNCTION akua_notify_revocation();
                """);
        }
    }
}
