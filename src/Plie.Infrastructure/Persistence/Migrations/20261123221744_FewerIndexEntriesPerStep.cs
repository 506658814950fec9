using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plie.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FewerIndexEntriesPerStep : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_user_tasks_open_element",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.DropIndex(
                name: "ix_user_tasks_open_name",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.DropIndex(
                name: "ix_process_instances_parent_instance_id",
                schema: "wf",
                table: "process_instances");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_open_element",
                schema: "wf",
                table: "user_tasks",
                column: "element_id",
                filter: "state = 'Open'");

            migrationBuilder.CreateIndex(
                name: "ix_process_instances_parent_instance_id",
                schema: "wf",
                table: "process_instances",
                column: "parent_instance_id",
                filter: "parent_instance_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_user_tasks_open_element",
                schema: "wf",
                table: "user_tasks");

            migrationBuilder.DropIndex(
                name: "ix_process_instances_parent_instance_id",
                schema: "wf",
                table: "process_instances");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_open_element",
                schema: "wf",
                table: "user_tasks",
                column: "element_id",
                filter: "state = 'Open'")
                .Annotation("Npgsql:IndexInclude", new[] { "instance_id" });

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_open_name",
                schema: "wf",
                table: "user_tasks",
                column: "name",
                filter: "state = 'Open'")
                .Annotation("Npgsql:IndexInclude", new[] { "instance_id" });

            migrationBuilder.CreateIndex(
                name: "ix_process_instances_parent_instance_id",
                schema: "wf",
                table: "process_instances",
                column: "parent_instance_id");
        }
    }
}
