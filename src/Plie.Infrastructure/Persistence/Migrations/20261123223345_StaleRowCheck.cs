using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plie.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// <c>wf.stale_row(table, id)</c>: raises « changed by someone else » (SQLSTATE 40001). The engine's step writer
    /// updates a row « WHERE id = … AND (revision = … OR wf.stale_row(…)) », so that a stale row fails on the server and
    /// the step's COMMIT, sent in the same batch, is skipped.
    /// </summary>
    public partial class StaleRowCheck : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION wf.stale_row(table_name text, id text) RETURNS boolean
                LANGUAGE plpgsql VOLATILE AS $$
                BEGIN
                    RAISE EXCEPTION '% % was changed or deleted by someone else since it was read.', table_name, id
                        USING ERRCODE = 'serialization_failure';
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION wf.stale_row(text, text);");
        }
    }
}
