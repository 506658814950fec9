using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Plie.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Intake : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "availability",
                table: "participants",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "fse_declined_sensitive_items",
                table: "participants",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "fse_disability",
                table: "participants",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "fse_education_level",
                table: "participants",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "fse_employment_status",
                table: "participants",
                type: "character varying(30)",
                maxLength: 30,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "fse_foreign_origin",
                table: "participants",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "fse_housing_exclusion",
                table: "participants",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "prescriber_name",
                table: "participants",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "prescriber_type",
                table: "participants",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "priority_publics",
                table: "participants",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<string>(
                name: "situation",
                table: "participants",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "antennes",
                columns: table => new
                {
                    code = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    commune_insee_codes = table.Column<string[]>(type: "text[]", nullable: false),
                    valid_from = table.Column<DateOnly>(type: "date", nullable: false),
                    valid_to = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_antennes", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "engagement_contracts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    participant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    generated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    document_sha256 = table.Column<string>(type: "text", nullable: false),
                    participant_signature_png = table.Column<byte[]>(type: "bytea", nullable: false),
                    participant_signed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    counsellor_signature_png = table.Column<byte[]>(type: "bytea", nullable: false),
                    counsellor_signed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    counsellor_id = table.Column<string>(type: "text", nullable: false),
                    signed_pdf = table.Column<byte[]>(type: "bytea", nullable: false),
                    signed_pdf_sha256 = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_engagement_contracts", x => x.id);
                    table.ForeignKey(
                        name: "fk_engagement_contracts_participants_participant_id",
                        column: x => x.participant_id,
                        principalTable: "participants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "first_interviews",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    participant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    held_on = table.Column<DateOnly>(type: "date", nullable: false),
                    report = table.Column<string>(type: "text", nullable: false),
                    by = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_first_interviews", x => x.id);
                    table.ForeignKey(
                        name: "fk_first_interviews_participants_participant_id",
                        column: x => x.participant_id,
                        principalTable: "participants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "intake_decisions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    participant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    step = table.Column<string>(type: "text", nullable: false),
                    outcome = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    by = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_intake_decisions", x => x.id);
                    table.ForeignKey(
                        name: "fk_intake_decisions_participants_participant_id",
                        column: x => x.participant_id,
                        principalTable: "participants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "reference_items",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    kind = table.Column<string>(type: "text", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false),
                    label = table.Column<string>(type: "text", nullable: false),
                    valid_from = table.Column<DateOnly>(type: "date", nullable: false),
                    valid_to = table.Column<DateOnly>(type: "date", nullable: true),
                    required_for = table.Column<string[]>(type: "text[]", nullable: false),
                    required = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reference_items", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "supporting_documents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    participant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    type_code = table.Column<string>(type: "text", nullable: false),
                    file_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    content_type = table.Column<string>(type: "text", nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "text", nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    uploaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    uploaded_by = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    review_reason = table.Column<string>(type: "text", nullable: true),
                    reviewed_by = table.Column<string>(type: "text", nullable: true),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_supporting_documents", x => x.id);
                    table.ForeignKey(
                        name: "fk_supporting_documents_participants_participant_id",
                        column: x => x.participant_id,
                        principalTable: "participants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_participants_birth_date",
                table: "participants",
                column: "birth_date");

            migrationBuilder.CreateIndex(
                name: "ix_engagement_contracts_participant_id",
                table: "engagement_contracts",
                column: "participant_id");

            migrationBuilder.CreateIndex(
                name: "ix_first_interviews_participant_id_number",
                table: "first_interviews",
                columns: new[] { "participant_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_intake_decisions_participant_id_at",
                table: "intake_decisions",
                columns: new[] { "participant_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_reference_items_kind_code",
                table: "reference_items",
                columns: new[] { "kind", "code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_supporting_documents_participant_id_type_code",
                table: "supporting_documents",
                columns: new[] { "participant_id", "type_code" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "antennes");

            migrationBuilder.DropTable(
                name: "engagement_contracts");

            migrationBuilder.DropTable(
                name: "first_interviews");

            migrationBuilder.DropTable(
                name: "intake_decisions");

            migrationBuilder.DropTable(
                name: "reference_items");

            migrationBuilder.DropTable(
                name: "supporting_documents");

            migrationBuilder.DropIndex(
                name: "ix_participants_birth_date",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "availability",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "fse_declined_sensitive_items",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "fse_disability",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "fse_education_level",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "fse_employment_status",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "fse_foreign_origin",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "fse_housing_exclusion",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "prescriber_name",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "prescriber_type",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "priority_publics",
                table: "participants");

            migrationBuilder.DropColumn(
                name: "situation",
                table: "participants");
        }
    }
}
