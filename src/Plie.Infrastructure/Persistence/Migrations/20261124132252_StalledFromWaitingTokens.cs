using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plie.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class StalledFromWaitingTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_process_instances_running_last_activity",
                schema: "wf",
                table: "process_instances");

            migrationBuilder.DropIndex(
                name: "ix_executions_waiting_activity",
                schema: "wf",
                table: "executions");

            migrationBuilder.AlterTable(
                name: "process_instances",
                schema: "wf")
                .Annotation("Npgsql:StorageParameter:fillfactor", 90);

            migrationBuilder.CreateIndex(
                name: "ix_executions_waiting_activity",
                schema: "wf",
                table: "executions",
                columns: new[] { "activity_id", "entered_at" },
                filter: "state = 'Waiting'")
                .Annotation("Npgsql:IndexInclude", new[] { "instance_id", "is_multi_instance_root" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_executions_waiting_activity",
                schema: "wf",
                table: "executions");

            migrationBuilder.AlterTable(
                name: "process_instances",
                schema: "wf")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 90);

            migrationBuilder.CreateIndex(
                name: "ix_process_instances_running_last_activity",
                schema: "wf",
                table: "process_instances",
                column: "last_activity_at",
                filter: "state = 'Running'")
                .Annotation("Npgsql:IndexInclude", new[] { "id", "definition_key" });

            migrationBuilder.CreateIndex(
                name: "ix_executions_waiting_activity",
                schema: "wf",
                table: "executions",
                column: "activity_id",
                filter: "state = 'Waiting'")
                .Annotation("Npgsql:IndexInclude", new[] { "instance_id", "entered_at", "is_multi_instance_root" });
        }
    }
}
