using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plie.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OpenTasksByInstance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_user_tasks_instance_id",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.DropIndex(
                name: "ix_user_tasks_open_element",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_instance_id",
                schema: "wf",
                table: "user_tasks",
                column: "instance_id",
                filter: "state = 'Open'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_user_tasks_instance_id",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_instance_id",
                schema: "wf",
                table: "user_tasks",
                column: "instance_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_open_element",
                schema: "wf",
                table: "user_tasks",
                column: "element_id",
                filter: "state = 'Open'");
        }
    }
}
