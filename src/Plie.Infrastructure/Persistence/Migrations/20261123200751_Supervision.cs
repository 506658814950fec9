using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plie.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Supervision : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Cases are joined to their participant by the business key (the participant id as text): an expression index
            // lets the supervision filters (antenne, référent) probe one participant per case. EF cannot model it.
            migrationBuilder.Sql("CREATE INDEX ix_participants_id_text ON participants ((id::text));");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_open_due",
                schema: "wf",
                table: "user_tasks",
                column: "due_at",
                filter: "state = 'Open'")
                .Annotation("Npgsql:IndexInclude", new[] { "instance_id" });

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_open_element",
                schema: "wf",
                table: "user_tasks",
                column: "element_id",
                filter: "state = 'Open'")
                .Annotation("Npgsql:IndexInclude", new[] { "instance_id" });

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_open_heatmap",
                schema: "wf",
                table: "user_tasks",
                columns: new[] { "process_key", "element_id", "created_at" },
                filter: "state = 'Open'")
                .Annotation("Npgsql:IndexInclude", new[] { "due_at" });

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_open_name",
                schema: "wf",
                table: "user_tasks",
                column: "name",
                filter: "state = 'Open'")
                .Annotation("Npgsql:IndexInclude", new[] { "instance_id" });

            migrationBuilder.CreateIndex(
                name: "ix_process_instances_running_last_activity",
                schema: "wf",
                table: "process_instances",
                column: "last_activity_at",
                filter: "state = 'Running'")
                .Annotation("Npgsql:IndexInclude", new[] { "id", "definition_key" });

            migrationBuilder.CreateIndex(
                name: "ix_process_instances_started_at",
                schema: "wf",
                table: "process_instances",
                column: "started_at");

            migrationBuilder.CreateIndex(
                name: "ix_executions_waiting_activity",
                schema: "wf",
                table: "executions",
                column: "activity_id",
                filter: "state = 'Waiting'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_participants_id_text;");

            migrationBuilder.DropIndex(
                name: "ix_user_tasks_open_due",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.DropIndex(
                name: "ix_user_tasks_open_element",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.DropIndex(
                name: "ix_user_tasks_open_heatmap",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.DropIndex(
                name: "ix_user_tasks_open_name",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.DropIndex(
                name: "ix_process_instances_running_last_activity",
                schema: "wf",
                table: "process_instances");

            migrationBuilder.DropIndex(
                name: "ix_process_instances_started_at",
                schema: "wf",
                table: "process_instances");

            migrationBuilder.DropIndex(
                name: "ix_executions_waiting_activity",
                schema: "wf",
                table: "executions");
        }
    }
}
