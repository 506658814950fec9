using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Plie.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class HistoryKeyedByInstance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_history_events",
                schema: "wf",
                table: "history_events");

            migrationBuilder.DropIndex(
                name: "ix_history_events_instance_id_id",
                schema: "wf",
                table: "history_events");

            migrationBuilder.AddPrimaryKey(
                name: "pk_history_events",
                schema: "wf",
                table: "history_events",
                columns: new[] { "instance_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_history_events",
                schema: "wf",
                table: "history_events");

            migrationBuilder.AddPrimaryKey(
                name: "pk_history_events",
                schema: "wf",
                table: "history_events",
                column: "id");

            migrationBuilder.CreateIndex(
                name: "ix_history_events_instance_id_id",
                schema: "wf",
                table: "history_events",
                columns: new[] { "instance_id", "id" });
        }
    }
}
