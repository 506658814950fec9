using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plie.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class WaitingTokensCovering : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_executions_waiting_activity",
                schema: "wf",
                table: "executions");

            migrationBuilder.CreateIndex(
                name: "ix_executions_waiting_activity",
                schema: "wf",
                table: "executions",
                column: "activity_id",
                filter: "state = 'Waiting'")
                .Annotation("Npgsql:IndexInclude", new[] { "instance_id", "entered_at", "is_multi_instance_root" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_executions_waiting_activity",
                schema: "wf",
                table: "executions");

            migrationBuilder.CreateIndex(
                name: "ix_executions_waiting_activity",
                schema: "wf",
                table: "executions",
                column: "activity_id",
                filter: "state = 'Waiting'");
        }
    }
}
