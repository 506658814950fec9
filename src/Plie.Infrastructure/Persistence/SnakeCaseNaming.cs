using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Plie.Infrastructure.Persistence;

/// <summary>
/// Turns the model's default (PascalCase) table, column, key, foreign key and index names into snake_case, so that
/// SQL can be written without quoting. Names already in snake_case are left as they are.
/// </summary>
public static class SnakeCaseNaming
{
    /// <summary>"FormFieldsJson" → "form_fields_json", "PK_user_tasks" → "pk_user_tasks", "HTTPCode" → "http_code".</summary>
    public static string ToSnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_')
                {
                    var previous = name[i - 1];
                    var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                    // A new word starts after a lower-case letter or a digit ("dueAt"), or at the last capital of an
                    // acronym followed by a lower-case letter ("HTTPCode" → "http_code").
                    if (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && nextIsLower))
                        sb.Append('_');
                }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Renames every table, column, key, foreign key and index of the model. Call it at the end of
    /// <c>OnModelCreating</c>, after the entity configurations (explicit names are only converted, not replaced).
    /// </summary>
    public static ModelBuilder UseSnakeCaseNames(this ModelBuilder modelBuilder)
    {
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            if (entity.GetTableName() is { } table)
                entity.SetTableName(ToSnakeCase(table));

            // Columns first: the default key and index names are derived from the table and column names.
            foreach (var property in entity.GetProperties())
                property.SetColumnName(ToSnakeCase(property.GetColumnName()));

            foreach (var key in entity.GetKeys())
                if (key.GetName() is { } keyName)
                    key.SetName(ToSnakeCase(keyName));

            foreach (var foreignKey in entity.GetForeignKeys())
                if (foreignKey.GetConstraintName() is { } constraintName)
                    foreignKey.SetConstraintName(ToSnakeCase(constraintName));

            foreach (var index in entity.GetIndexes())
                if (index.GetDatabaseName() is { } indexName)
                    index.SetDatabaseName(ToSnakeCase(indexName));
        }
        return modelBuilder;
    }
}
