using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plie.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LeanerTaskIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_user_tasks_process_key",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.DropIndex(
                name: "ix_user_tasks_state_due_at",
                schema: "wf",
                table: "user_tasks");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_process_key",
                schema: "wf",
                table: "user_tasks",
                column: "process_key",
                filter: "state = 'Open'");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_state_due_at",
                schema: "wf",
                table: "user_tasks",
                columns: new[] { "state", "due_at" });
        }
    }
}
