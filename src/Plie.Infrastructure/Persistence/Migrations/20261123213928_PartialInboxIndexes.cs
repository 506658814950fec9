using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plie.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PartialInboxIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_user_tasks_assignee",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.DropIndex(
                name: "ix_user_tasks_candidate_users",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_assignee",
                schema: "wf",
                table: "user_tasks",
                column: "assignee",
                filter: "state = 'Open' AND assignee IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_candidate_users",
                schema: "wf",
                table: "user_tasks",
                column: "candidate_users",
                filter: "state = 'Open' AND cardinality(candidate_users) > 0")
                .Annotation("Npgsql:IndexMethod", "gin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_user_tasks_assignee",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.DropIndex(
                name: "ix_user_tasks_candidate_users",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_assignee",
                schema: "wf",
                table: "user_tasks",
                column: "assignee",
                filter: "state = 'Open'");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_candidate_users",
                schema: "wf",
                table: "user_tasks",
                column: "candidate_users",
                filter: "state = 'Open'")
                .Annotation("Npgsql:IndexMethod", "gin");
        }
    }
}
