using System.Data.Common;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Plie.Infrastructure.Workflow;

/// <summary>
/// Reads rows of one entity type from a <see cref="DbDataReader"/> the way EF Core's own shaper does, for statements
/// EF cannot send itself (several result sets in one round trip). Everything comes from the model: the table, the
/// column of each property, the reader method of its type mapping and its value converter (enums stored as text,
/// timestamptz read as UTC <see cref="DateTimeOffset"/>, text[] arrays, jsonb strings), so it cannot drift from the
/// mapping. The entity is built with its parameterless constructor and its properties set as EF sets them when it
/// materializes (through the backing field where EF would use it).
/// </summary>
internal sealed class RowReader<T> where T : class
{
    private readonly Func<DbDataReader, T> _read;
    private readonly Dictionary<string, (string Column, RelationalTypeMapping Mapping)> _columns = new(StringComparer.Ordinal);

    public RowReader(IModel model, ISqlGenerationHelper sql)
    {
        var entityType = model.FindEntityType(typeof(T))
                         ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var tableName = entityType.GetTableName()
                        ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped to a table.");
        var table = StoreObjectIdentifier.Table(tableName, entityType.GetSchema());
        Table = sql.DelimitIdentifier(tableName, entityType.GetSchema());

        var reader = Expression.Parameter(typeof(DbDataReader), "reader");
        var entity = Expression.Variable(typeof(T), "entity");
        var body = new List<Expression>
        {
            Expression.Assign(entity, Expression.New(typeof(T).GetConstructor(Type.EmptyTypes)
                ?? throw new InvalidOperationException($"{typeof(T).Name} has no parameterless constructor."))),
        };
        var columns = new List<string>();
        foreach (var property in entityType.GetProperties())
        {
            if (property.IsShadowProperty())
                throw new InvalidOperationException($"{typeof(T).Name}.{property.Name} is a shadow property: {nameof(RowReader<T>)} cannot set it.");
            var column = property.GetColumnName(table)
                         ?? throw new InvalidOperationException($"{typeof(T).Name}.{property.Name} has no column in {Table}.");
            var mapping = property.GetRelationalTypeMapping();
            var ordinal = Expression.Constant(columns.Count);
            columns.Add(sql.DelimitIdentifier(column));
            _columns[property.Name] = (sql.DelimitIdentifier(column), mapping);

            var converter = mapping.Converter;
            var providerType = converter?.ProviderClrType ?? mapping.ClrType;
            Expression value = Expression.Call(reader, mapping.GetDataReaderMethod(), ordinal);
            value = mapping.CustomizeDataReaderExpression(value);
            if (value.Type != providerType) value = Expression.Convert(value, providerType);
            if (converter is not null) value = Expression.Invoke(converter.ConvertFromProviderExpression, value);
            if (value.Type != property.ClrType) value = Expression.Convert(value, property.ClrType);
            if (property.IsNullable)
                value = Expression.Condition(
                    Expression.Call(reader, typeof(DbDataReader).GetMethod(nameof(DbDataReader.IsDBNull), [typeof(int)])!, ordinal),
                    Expression.Default(property.ClrType), value);

            var member = property.GetMemberInfo(forMaterialization: true, forSet: true);
            var target = Expression.MakeMemberAccess(entity, member);
            if (target.Type != value.Type) value = Expression.Convert(value, target.Type);
            body.Add(Expression.Assign(target, value));
        }
        body.Add(entity);
        _read = Expression.Lambda<Func<DbDataReader, T>>(Expression.Block([entity], body), reader).Compile();
        Columns = string.Join(", ", columns);
    }

    /// <summary>The table, schema-qualified and delimited as SQL needs it.</summary>
    public string Table { get; }

    /// <summary>Every mapped column, in the order <see cref="Read"/> expects them.</summary>
    public string Columns { get; }

    /// <summary><c>SELECT</c> of every column, in the order <see cref="Read"/> expects them.</summary>
    public string Select => $"SELECT {Columns} FROM {Table}";

    /// <summary>The delimited column of a property.</summary>
    public string Column(string property) => _columns[property].Column;

    /// <summary>A value of a property as an SQL literal, converted as the property's mapping writes it.</summary>
    public string Literal(string property, object? value) => _columns[property].Mapping.GenerateSqlLiteral(value);

    /// <summary>The type mapping of a property (to type a parameter compared with its column).</summary>
    public RelationalTypeMapping Mapping(string property) => _columns[property].Mapping;

    /// <summary>The entity of the reader's current row.</summary>
    public T Read(DbDataReader reader) => _read(reader);
}
