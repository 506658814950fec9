using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Workflow;

/// <summary>
/// Writes what a step changed in one <see cref="NpgsqlBatch"/> (one round trip), instead of EF Core's SaveChanges:
/// the changes are the store's pending records (<see cref="RecordTracker"/>: inserted, updated with the properties that
/// changed, deleted), the statements are built once per table from the model, and the history events of the step go
/// in as one multi-row INSERT. It saves the CPU EF spends turning changes into commands (sorting, SQL generation,
/// reading back generated values) on every step, in the app and in PostgreSQL (one statement for the history instead
/// of one per event, no RETURNING).
/// </summary>
/// <remarks>
/// Only the engine's own records are written this way; anything else pending in the context (a domain entity of a
/// Mediator handler sharing it) is saved by EF's SaveChanges first, in the same transaction. Semantics kept: the
/// instance's and tasks' Revision are concurrency tokens (an UPDATE or DELETE that matches no row throws
/// <see cref="DbUpdateConcurrencyException"/>; any other refusal of the server is a <see cref="DbUpdateException"/>),
/// only changed columns are updated, values are converted by the columns' type mappings (enums as text, timestamps in
/// UTC, jsonb, text[]).
/// </remarks>
internal sealed class StepWriter
{
    private static readonly ConditionalWeakTable<IModel, StepWriter> ByModel = new();

    private readonly Dictionary<Type, TableWriter> _tables = new();
    private readonly HistoryWriter _history;

    private StepWriter(IModel model, ISqlGenerationHelper sql)
    {
        foreach (var (type, shape) in RecordShape.For(model))
            _tables[type] = new TableWriter(shape, sql);
        _history = new HistoryWriter(model.FindEntityType(typeof(HistoryEventRecord))
                                     ?? throw new InvalidOperationException("HistoryEventRecord is not in the model."), sql);
    }

    public static StepWriter For(DbContext db) =>
        ByModel.TryGetValue(db.Model, out var built) ? built : ByModel.GetValue(db.Model, model => new StepWriter(model,
            db.GetService<ISqlGenerationHelper>()));

    /// <summary>
    /// Writes the pending records and the history events, in one round trip on the context's connection, inside its
    /// current transaction — and, with <paramref name="commit"/>, commits it in the same round trip. With no
    /// transaction, the batch is one on its own: PostgreSQL runs the statements of one round trip as one transaction.
    /// Does not accept the changes: the caller does, once this returned.
    /// </summary>
    /// <remarks>
    /// A stale row (its concurrency token changed since it was read) fails its statement on the server
    /// (<c>wf.stale_row</c>, SQLSTATE 40001): PostgreSQL then skips the rest of the batch, COMMIT included, and the
    /// transaction is rolled back; the caller gets a <see cref="DbUpdateConcurrencyException"/> as from EF, as it does
    /// when PostgreSQL ends a deadlock by failing this batch (SQLSTATE 40P01). The instances' updates come first, in the
    /// order of their ids: a step that lost the race for an instance stops there, before it writes or waits on anything
    /// else, and steps that write several instances take their row locks in one order.
    /// </remarks>
    public async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyList<PendingRecord> records,
        IReadOnlyList<HistoryEventRecord> history, bool commit, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var factory = new NpgsqlCommand(); // only creates parameters, as the type mappings want a command to do it
        var checkedRows = new List<(NpgsqlBatchCommand Command, PendingRecord Record)>();
        List<PendingRecord>? instances = null;
        foreach (var record in records)
            if (record is { State: EntityState.Modified, Record: ProcessInstanceRecord })
                (instances ??= []).Add(record);
        if (instances is { Count: > 1 })
            instances.Sort((a, b) => a.Shape.KeyOf(a.Record).CompareTo(b.Shape.KeyOf(b.Record)));
        foreach (var record in instances ?? [])
        {
            var command = _tables[typeof(ProcessInstanceRecord)].Update(record, factory);
            batch.BatchCommands.Add(command);
            checkedRows.Add((command, record));
        }
        // Then deletes, updates, inserts, as EF orders them (no foreign keys between these tables).
        foreach (var state in (ReadOnlySpan<EntityState>)[EntityState.Deleted, EntityState.Modified, EntityState.Added])
            foreach (var record in records)
            {
                if (record.State != state || record is { State: EntityState.Modified, Record: ProcessInstanceRecord }) continue;
                var table = _tables[record.Record.GetType()];
                var command = state switch
                {
                    EntityState.Deleted => table.Delete(record, factory),
                    EntityState.Modified => table.Update(record, factory),
                    _ => table.Insert(record, factory),
                };
                batch.BatchCommands.Add(command);
                if (state != EntityState.Added) checkedRows.Add((command, record));
            }
        if (history.Count > 0) batch.BatchCommands.Add(_history.Insert(history, factory));
        if (batch.BatchCommands.Count == 0 && !commit) return;
        if (commit) batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

        try
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
        {
            throw new DbUpdateConcurrencyException(e.MessageText, e);
        }
        catch (PostgresException e)
        {
            // As from EF's SaveChanges (a unique key taken meanwhile, a value the column refuses…).
            throw new DbUpdateException(e.MessageText, e);
        }
        // A row that matched nothing without failing was deleted: tasks and instances never are (ended ones are kept), so
        // this is only reached through a mistake.
        foreach (var (command, record) in checkedRows)
            if (command.RecordsAffected != 1)
                throw new DbUpdateConcurrencyException(
                    $"The {record.Record.GetType().Name} {record.Shape.KeyOf(record.Original!)} " +
                    "was deleted by someone else since it was read.");
    }

    /// <summary>A column: its property, its delimited name, and the mapping that converts and types its values.</summary>
    private sealed record Column(IProperty Property, string Name, RelationalTypeMapping Mapping)
    {
        private readonly IClrPropertyGetter _getter = Property.GetGetter();

        /// <summary>The column's value in a record.</summary>
        public object? Value(object record) => _getter.GetClrValueUsingContainingEntity(record);

        public NpgsqlParameter Parameter(NpgsqlCommand factory, object? value) =>
            (NpgsqlParameter)Mapping.CreateParameter(factory, "", value, Property.IsNullable);
    }

    private static Column[] ColumnsOf(IEntityType entityType, ISqlGenerationHelper sql, out string table)
    {
        var tableName = entityType.GetTableName() ?? throw new InvalidOperationException($"{entityType.DisplayName()} has no table.");
        var store = StoreObjectIdentifier.Table(tableName, entityType.GetSchema());
        table = sql.DelimitIdentifier(tableName, entityType.GetSchema());
        var columns = new List<Column>();
        foreach (var property in entityType.GetProperties())
        {
            if (property.IsShadowProperty())
                throw new InvalidOperationException($"{entityType.DisplayName()}.{property.Name} is a shadow property.");
            columns.Add(new Column(property, sql.DelimitIdentifier(property.GetColumnName(store)
                ?? throw new InvalidOperationException($"{entityType.DisplayName()}.{property.Name} has no column.")),
                property.GetRelationalTypeMapping()));
        }
        return [.. columns];
    }

    /// <summary>INSERT, UPDATE and DELETE of one table's rows, by primary key (one column), with its concurrency token if any.</summary>
    private sealed class TableWriter
    {
        private readonly Column[] _columns;
        private readonly string _table;
        private readonly Column _key;
        private readonly Column? _token;
        private readonly string _insert;
        private readonly string _delete;
        // UPDATE statements by the set of columns they write (bit i: column i), built when first needed.
        private readonly ConcurrentDictionary<ulong, string> _updates = new();

        /// <summary>The table of a record shape: its columns in the shape's order, so bit i of a change set is column i.</summary>
        public TableWriter(RecordShape shape, ISqlGenerationHelper sql)
        {
            _columns = ColumnsOf(shape.EntityType, sql, out _table);
            if (!_columns.Select(c => c.Property).SequenceEqual(shape.Properties))
                throw new InvalidOperationException($"{shape.EntityType.DisplayName()}: columns and properties out of order.");
            _key = _columns.Single(c => c.Property == shape.Key);
            _token = shape.Token is null ? null : _columns.Single(c => c.Property == shape.Token);
            _insert = $"INSERT INTO {_table} ({string.Join(", ", _columns.Select(c => c.Name))}) VALUES " +
                      $"({string.Join(", ", _columns.Select((_, i) => $"${i + 1}"))})";
            _delete = $"DELETE FROM {_table} WHERE {_key.Name} = $1" + (_token is null ? "" : $" AND ({_token.Name} = $2 OR {Stale("$1")})");
        }

        public NpgsqlBatchCommand Insert(PendingRecord record, NpgsqlCommand factory)
        {
            var command = new NpgsqlBatchCommand(_insert);
            foreach (var column in _columns)
                command.Parameters.Add(column.Parameter(factory, column.Value(record.Record)));
            return command;
        }

        public NpgsqlBatchCommand Update(PendingRecord record, NpgsqlCommand factory)
        {
            var command = new NpgsqlBatchCommand(_updates.GetOrAdd(record.Changed, BuildUpdate));
            for (var i = 0; i < _columns.Length; i++)
                if ((record.Changed & (1UL << i)) != 0)
                    command.Parameters.Add(_columns[i].Parameter(factory, _columns[i].Value(record.Record)));
            AddKeyAndToken(command, record.Original!, factory);
            return command;
        }

        public NpgsqlBatchCommand Delete(PendingRecord record, NpgsqlCommand factory)
        {
            var command = new NpgsqlBatchCommand(_delete);
            AddKeyAndToken(command, record.Original!, factory);
            return command;
        }

        /// <summary>The row's key and token as they were read: the statement matches no row if someone changed it since.</summary>
        private void AddKeyAndToken(NpgsqlBatchCommand command, object original, NpgsqlCommand factory)
        {
            command.Parameters.Add(_key.Parameter(factory, _key.Value(original)));
            if (_token is not null)
                command.Parameters.Add(_token.Parameter(factory, _token.Value(original)));
        }

        private string BuildUpdate(ulong set)
        {
            var text = new StringBuilder($"UPDATE {_table} SET ");
            var n = 0;
            for (var i = 0; i < _columns.Length; i++)
                if ((set & (1UL << i)) != 0)
                    text.Append(n++ == 0 ? "" : ", ").Append(_columns[i].Name).Append(" = $").Append(n);
            var key = ++n;
            text.Append(" WHERE ").Append(_key.Name).Append(" = $").Append(key);
            if (_token is not null) text.Append(" AND (").Append(_token.Name).Append(" = $").Append(++n).Append(" OR ").Append(Stale($"${key}")).Append(')');
            return text.ToString();
        }

        /// <summary>Raises the « stale row » error of this table for the row whose key is <paramref name="key"/>.</summary>
        private string Stale(string key) => $"wf.stale_row('{_table.Replace("'", "''")}', {key}::text)";
    }

    /// <summary>
    /// The history events of a save as one statement, in the order in which the step recorded them, so that the identity
    /// (the Id, assigned by the server) follows that order: a multi-row VALUES for the usual few events of a step (one
    /// statement text per number of rows, each prepared once per connection), every column as one array parameter,
    /// unnested in order, beyond that.
    /// </summary>
    private sealed class HistoryWriter
    {
        private const int MaxValuesRows = 16;

        private readonly Column[] _columns;
        private readonly string _unnest;
        private readonly string[] _values = new string[MaxValuesRows + 1];

        public HistoryWriter(IEntityType entityType, ISqlGenerationHelper sql)
        {
            // The identity column (the Id) is left to the server.
            _columns = [.. ColumnsOf(entityType, sql, out var table).Where(c => c.Property.ValueGenerated != ValueGenerated.OnAdd)];
            var names = string.Join(", ", _columns.Select(c => c.Name));
            var arrays = string.Join(", ", _columns.Select((c, i) => $"${i + 1}::{c.Mapping.StoreType}[]"));
            _unnest = $"INSERT INTO {table} ({names}) SELECT {names} FROM unnest({arrays}) WITH ORDINALITY " +
                      $"AS e({names}, event_order) ORDER BY event_order";
            for (var rows = 1; rows <= MaxValuesRows; rows++)
                _values[rows] = $"INSERT INTO {table} ({names}) VALUES " + string.Join(", ", Enumerable.Range(0, rows)
                    .Select(r => "(" + string.Join(", ", _columns.Select((_, c) => $"${r * _columns.Length + c + 1}")) + ")"));
        }

        public NpgsqlBatchCommand Insert(IReadOnlyList<HistoryEventRecord> events, NpgsqlCommand factory)
        {
            if (events.Count <= MaxValuesRows)
            {
                var rows = new NpgsqlBatchCommand(_values[events.Count]);
                foreach (var e in events)
                    foreach (var column in _columns)
                        rows.Parameters.Add(column.Parameter(factory, column.Value(e)));
                return rows;
            }
            var command = new NpgsqlBatchCommand(_unnest);
            foreach (var column in _columns)
            {
                // Each value converted as the column's mapping writes it (timestamps to UTC…), sent as text or uuid
                // arrays; the casts in the statement give the column types.
                var values = new object?[events.Count];
                for (var i = 0; i < events.Count; i++)
                {
                    var value = column.Value(events[i]);
                    values[i] = column.Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;
                }
                command.Parameters.Add(new NpgsqlParameter { Value = TypedArray(column, values) });
            }
            return command;
        }

        private static Array TypedArray(Column column, object?[] values)
        {
            var type = column.Mapping.Converter?.ProviderClrType ?? column.Mapping.ClrType;
            // Nullable value types need a nullable element type (Guid?[]); reference types take nulls as they are.
            var element = type.IsValueType && column.Property.IsNullable ? typeof(Nullable<>).MakeGenericType(type) : type;
            var array = Array.CreateInstance(element, values.Length);
            for (var i = 0; i < values.Length; i++) array.SetValue(values[i], i);
            return array;
        }
    }
}
