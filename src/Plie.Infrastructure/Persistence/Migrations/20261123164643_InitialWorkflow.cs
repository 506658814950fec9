using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Plie.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InitialWorkflow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "wf");

            migrationBuilder.CreateTable(
                name: "executions",
                schema: "wf",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: false),
                    parent_id = table.Column<Guid>(type: "uuid", nullable: true),
                    activity_id = table.Column<string>(type: "text", nullable: true),
                    state = table.Column<string>(type: "text", nullable: false),
                    is_multi_instance_root = table.Column<bool>(type: "boolean", nullable: false),
                    loop_counter = table.Column<int>(type: "integer", nullable: true),
                    arrived_via = table.Column<string>(type: "text", nullable: true),
                    entered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_executions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "history_events",
                schema: "wf",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    element_id = table.Column<string>(type: "text", nullable: true),
                    element_type = table.Column<string>(type: "text", nullable: true),
                    element_name = table.Column<string>(type: "text", nullable: true),
                    task_id = table.Column<Guid>(type: "uuid", nullable: true),
                    user_id = table.Column<string>(type: "text", nullable: true),
                    data = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_history_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "incidents",
                schema: "wf",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: false),
                    execution_id = table.Column<Guid>(type: "uuid", nullable: true),
                    job_id = table.Column<Guid>(type: "uuid", nullable: true),
                    element_id = table.Column<string>(type: "text", nullable: false),
                    message = table.Column<string>(type: "text", nullable: false),
                    details = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    resolved_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_incidents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                schema: "wf",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: true),
                    execution_id = table.Column<Guid>(type: "uuid", nullable: true),
                    definition_id = table.Column<Guid>(type: "uuid", nullable: true),
                    element_id = table.Column<string>(type: "text", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    retries = table.Column<int>(type: "integer", nullable: false),
                    lock_owner = table.Column<string>(type: "text", nullable: true),
                    lock_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    repeats_left = table.Column<int>(type: "integer", nullable: true),
                    repeat_interval = table.Column<string>(type: "text", nullable: true),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_jobs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "message_subscriptions",
                schema: "wf",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_name = table.Column<string>(type: "text", nullable: false),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: true),
                    execution_id = table.Column<Guid>(type: "uuid", nullable: true),
                    definition_id = table.Column<Guid>(type: "uuid", nullable: true),
                    business_key = table.Column<string>(type: "text", nullable: true),
                    element_id = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_message_subscriptions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "process_definitions",
                schema: "wf",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    key = table.Column<string>(type: "text", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: false),
                    hash = table.Column<string>(type: "text", nullable: false),
                    deployed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    deployed_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_process_definitions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "process_instances",
                schema: "wf",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    definition_id = table.Column<Guid>(type: "uuid", nullable: false),
                    definition_key = table.Column<string>(type: "text", nullable: false),
                    definition_version = table.Column<int>(type: "integer", nullable: false),
                    business_key = table.Column<string>(type: "text", nullable: true),
                    state = table.Column<string>(type: "text", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_by = table.Column<string>(type: "text", nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    end_reason = table.Column<string>(type: "text", nullable: true),
                    last_activity_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    parent_instance_id = table.Column<Guid>(type: "uuid", nullable: true),
                    parent_execution_id = table.Column<Guid>(type: "uuid", nullable: true),
                    revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_process_instances", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "user_tasks",
                schema: "wf",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: false),
                    execution_id = table.Column<Guid>(type: "uuid", nullable: false),
                    process_key = table.Column<string>(type: "text", nullable: false),
                    business_key = table.Column<string>(type: "text", nullable: true),
                    element_id = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: true),
                    assignee = table.Column<string>(type: "text", nullable: true),
                    candidate_groups = table.Column<string[]>(type: "text[]", nullable: false),
                    candidate_users = table.Column<string[]>(type: "text[]", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    follow_up_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    form_key = table.Column<string>(type: "text", nullable: true),
                    form_fields_json = table.Column<string>(type: "jsonb", nullable: true),
                    state = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_by = table.Column<string>(type: "text", nullable: true),
                    revision = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_tasks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "variables",
                schema: "wf",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    instance_id = table.Column<Guid>(type: "uuid", nullable: false),
                    execution_id = table.Column<Guid>(type: "uuid", nullable: true),
                    name = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    json = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_variables", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_executions_instance_id",
                schema: "wf",
                table: "executions",
                column: "instance_id");

            migrationBuilder.CreateIndex(
                name: "ix_history_events_instance_id_id",
                schema: "wf",
                table: "history_events",
                columns: new[] { "instance_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_incidents_instance_id",
                schema: "wf",
                table: "incidents",
                column: "instance_id");

            migrationBuilder.CreateIndex(
                name: "ix_incidents_open",
                schema: "wf",
                table: "incidents",
                column: "created_at",
                filter: "resolved_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_definition_id",
                schema: "wf",
                table: "jobs",
                column: "definition_id");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_due_at",
                schema: "wf",
                table: "jobs",
                column: "due_at",
                filter: "retries > 0");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_instance_id",
                schema: "wf",
                table: "jobs",
                column: "instance_id");

            migrationBuilder.CreateIndex(
                name: "ix_message_subscriptions_definition_id",
                schema: "wf",
                table: "message_subscriptions",
                column: "definition_id");

            migrationBuilder.CreateIndex(
                name: "ix_message_subscriptions_instance_id",
                schema: "wf",
                table: "message_subscriptions",
                column: "instance_id");

            migrationBuilder.CreateIndex(
                name: "ix_message_subscriptions_message_name_business_key",
                schema: "wf",
                table: "message_subscriptions",
                columns: new[] { "message_name", "business_key" });

            migrationBuilder.CreateIndex(
                name: "ix_process_definitions_key_hash",
                schema: "wf",
                table: "process_definitions",
                columns: new[] { "key", "hash" });

            migrationBuilder.CreateIndex(
                name: "ix_process_definitions_key_version",
                schema: "wf",
                table: "process_definitions",
                columns: new[] { "key", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_process_instances_business_key",
                schema: "wf",
                table: "process_instances",
                column: "business_key");

            migrationBuilder.CreateIndex(
                name: "ix_process_instances_definition_key_state",
                schema: "wf",
                table: "process_instances",
                columns: new[] { "definition_key", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_process_instances_parent_instance_id",
                schema: "wf",
                table: "process_instances",
                column: "parent_instance_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_assignee",
                schema: "wf",
                table: "user_tasks",
                column: "assignee",
                filter: "state = 'Open'");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_candidate_groups",
                schema: "wf",
                table: "user_tasks",
                column: "candidate_groups",
                filter: "state = 'Open'")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_candidate_users",
                schema: "wf",
                table: "user_tasks",
                column: "candidate_users",
                filter: "state = 'Open'")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_user_tasks_instance_id",
                schema: "wf",
                table: "user_tasks",
                column: "instance_id");

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

            migrationBuilder.CreateIndex(
                name: "ix_variables_instance_id",
                schema: "wf",
                table: "variables",
                column: "instance_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "executions",
                schema: "wf");

            migrationBuilder.DropTable(
                name: "history_events",
                schema: "wf");

            migrationBuilder.DropTable(
                name: "incidents",
                schema: "wf");

            migrationBuilder.DropTable(
                name: "jobs",
                schema: "wf");

            migrationBuilder.DropTable(
                name: "message_subscriptions",
                schema: "wf");

            migrationBuilder.DropTable(
                name: "process_definitions",
                schema: "wf");

            migrationBuilder.DropTable(
                name: "process_instances",
                schema: "wf");

            migrationBuilder.DropTable(
                name: "user_tasks",
                schema: "wf");

            migrationBuilder.DropTable(
                name: "variables",
                schema: "wf");
        }
    }
}
