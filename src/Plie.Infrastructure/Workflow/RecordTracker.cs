using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Plie.Workflow.Runtime;

namespace Plie.Infrastructure.Workflow;

/// <summary>
/// One engine record type as the model maps it: its properties in the model's order (bit <c>i</c> of a change set is
/// property <c>i</c>, and column <c>i</c> of the step writer), its key and concurrency token, and, compiled once, a
/// snapshot copy and a comparison that gives the set of changed properties. Copy and comparison use each property's
/// EF value comparer, so a change is what EF's own change detection would call one (text[] element by element…).
/// </summary>
internal sealed class RecordShape
{
    /// <summary>The engine's tracked record types (history events are written, never tracked).</summary>
    private static readonly Type[] RecordTypes =
    [
        typeof(ProcessDefinitionRecord), typeof(ProcessInstanceRecord), typeof(ExecutionRecord), typeof(VariableRecord),
        typeof(UserTaskRecord), typeof(JobRecord), typeof(MessageSubscriptionRecord), typeof(IncidentRecord),
    ];

    private static readonly ConditionalWeakTable<IModel, IReadOnlyDictionary<Type, RecordShape>> ByModel = new();

    private readonly Func<object, Guid> _key;
    private readonly Func<object, object> _snapshot;
    private readonly Func<object, object, ulong> _changed;

    private RecordShape(IEntityType entityType)
    {
        EntityType = entityType;
        Properties = [.. entityType.GetProperties()];
        if (Properties.Count > 64) throw new InvalidOperationException($"{entityType.DisplayName()} has more than 64 properties.");
        Key = entityType.FindPrimaryKey()?.Properties is [{ ClrType: var keyType } single] && keyType == typeof(Guid) ? single
            : throw new InvalidOperationException($"{entityType.DisplayName()} needs a one-column Guid key.");
        Token = Properties.SingleOrDefault(p => p.IsConcurrencyToken);

        var clr = entityType.ClrType;
        var a = Expression.Parameter(typeof(object), "a");
        var b = Expression.Parameter(typeof(object), "b");
        var typedA = Expression.Variable(clr, "x");
        var typedB = Expression.Variable(clr, "y");
        _key = Expression.Lambda<Func<object, Guid>>(Expression.Property(Expression.Convert(a, clr), PropertyOf(Key)), a).Compile();

        var copy = Expression.Variable(clr, "copy");
        var snapshot = new List<Expression>
        {
            Expression.Assign(typedA, Expression.Convert(a, clr)),
            Expression.Assign(copy, Expression.New(clr.GetConstructor(Type.EmptyTypes)
                ?? throw new InvalidOperationException($"{clr.Name} has no parameterless constructor."))),
        };
        var mask = Expression.Variable(typeof(ulong), "mask");
        var compare = new List<Expression>
        {
            Expression.Assign(typedA, Expression.Convert(a, clr)),
            Expression.Assign(typedB, Expression.Convert(b, clr)),
            Expression.Assign(mask, Expression.Constant(0UL)),
        };
        for (var i = 0; i < Properties.Count; i++)
        {
            var property = Properties[i];
            var info = PropertyOf(property);
            var comparer = property.GetValueComparer();
            snapshot.Add(Expression.Assign(Expression.Property(copy, info), Snapshot(comparer, Expression.Property(typedA, info))));
            compare.Add(Expression.IfThen(
                Expression.Not(AreEqual(comparer, Expression.Property(typedA, info), Expression.Property(typedB, info))),
                Expression.OrAssign(mask, Expression.Constant(1UL << i))));
        }
        snapshot.Add(Expression.Convert(copy, typeof(object)));
        compare.Add(mask);
        _snapshot = Expression.Lambda<Func<object, object>>(Expression.Block([typedA, copy], snapshot), a).Compile();
        _changed = Expression.Lambda<Func<object, object, ulong>>(Expression.Block([typedA, typedB, mask], compare), a, b).Compile();
    }

    public IEntityType EntityType { get; }

    /// <summary>The mapped properties, in the model's order.</summary>
    public IReadOnlyList<IProperty> Properties { get; }

    public IProperty Key { get; }

    public IProperty? Token { get; }

    /// <summary>The shapes of the engine's record types in <paramref name="model"/>, built once per model.</summary>
    public static IReadOnlyDictionary<Type, RecordShape> For(IModel model) =>
        ByModel.TryGetValue(model, out var built) ? built : ByModel.GetValue(model, m => RecordTypes.ToDictionary(t => t,
            t => new RecordShape(m.FindEntityType(t) ?? throw new InvalidOperationException($"{t.Name} is not in the model."))));

    public Guid KeyOf(object record) => _key(record);

    /// <summary>A copy of the record's mapped values, as EF would snapshot them.</summary>
    public object Snapshot(object record) => _snapshot(record);

    /// <summary>The properties whose values differ between two copies of a record (bit <c>i</c>: property <c>i</c>).</summary>
    public ulong Changed(object current, object original) => _changed(current, original);

    private PropertyInfo PropertyOf(IProperty property) =>
        property.PropertyInfo is { CanRead: true, CanWrite: true } info ? info
            : throw new InvalidOperationException($"{EntityType.DisplayName()}.{property.Name} needs a public getter and setter.");

    private static Expression Snapshot(ValueComparer comparer, Expression value)
    {
        // Value types are copies already; a reference type is copied as its comparer copies it (a new array for text[]).
        if (value.Type.IsValueType || comparer.Type != value.Type) return value;
        var snapshot = comparer.ExtractSnapshotBody(value);
        return ReferenceEquals(snapshot, value) ? value
            : Expression.Condition(Expression.Equal(value, Expression.Constant(null, value.Type)), value, snapshot);
    }

    private static Expression AreEqual(ValueComparer comparer, Expression left, Expression right)
    {
        if (comparer.Type == left.Type)
        {
            var equals = comparer.ExtractEqualsBody(left, right);
            if (left.Type.IsValueType) return equals;
            // Nulls first: a comparer's body may dereference its arguments.
            var isNull = (Expression e) => Expression.ReferenceEqual(e, Expression.Constant(null, e.Type));
            return Expression.OrElse(Expression.ReferenceEqual(left, right),
                Expression.AndAlso(Expression.Not(Expression.OrElse(isNull(left), isNull(right))), equals));
        }
        if (Nullable.GetUnderlyingType(left.Type) == comparer.Type)
        {
            // A nullable value compared by its underlying type's comparer: both null, or both set and equal.
            var hasLeft = Expression.Property(left, "HasValue");
            var hasRight = Expression.Property(right, "HasValue");
            return Expression.AndAlso(Expression.Equal(hasLeft, hasRight), Expression.OrElse(Expression.Not(hasLeft),
                comparer.ExtractEqualsBody(Expression.Property(left, "Value"), Expression.Property(right, "Value"))));
        }
        throw new InvalidOperationException($"No comparison of {left.Type.Name} by a comparer of {comparer.Type.Name}.");
    }
}

/// <summary>A record the next save writes: inserted, updated (<paramref name="Changed"/>: its changed properties, bit i
/// property i; 0 for an insert or a delete) or deleted.</summary>
internal readonly record struct PendingRecord(RecordShape Shape, object Record, object? Original, EntityState State, ulong Changed);

/// <summary>
/// The engine's records a store has read or added, tracked by the store rather than by EF Core's change tracker: an
/// identity map (one record per row, whichever method read it), a snapshot of each record as it was read or last saved,
/// and what was added or removed since. A save compares each record with its snapshot; what differs is written by the
/// <see cref="StepWriter"/>. It does what EF's tracker did for these records, without its general machinery (entry
/// objects, state events, navigation fix-up, per-property state): the app's CPU per engine step went from 0.34 to
/// 0.26 ms on average over seven alternating benchmark pairs (docs/benchmarks-history.md, session 13).
/// </summary>
internal sealed class RecordTracker(IReadOnlyDictionary<Type, RecordShape> shapes)
{
    private readonly Dictionary<(Type Type, Guid Id), Entry> _byKey = new();
    private readonly List<Entry> _entries = [];

    private sealed class Entry(RecordShape shape, object record, object? original, EntityState state)
    {
        public RecordShape Shape { get; } = shape;
        public object Record { get; } = record;
        /// <summary>The record as it was read or last saved; none while it is only added.</summary>
        public object? Original { get; set; } = original;
        /// <summary>Unchanged (it may have changed since: the save compares), Added, Deleted, or Detached (forgotten).</summary>
        public EntityState State { get; set; } = state;
    }

    public static RecordTracker For(DbContext db) => new(RecordShape.For(db.Model));

    /// <summary>How many records are tracked.</summary>
    public int Count => _byKey.Count;

    /// <summary>Whether records of this type are tracked here (the engine's, but not history events).</summary>
    public bool Handles(object record) => shapes.ContainsKey(record.GetType());

    /// <summary>The record tracked for this row, whatever its state, if any.</summary>
    public T? Find<T>(Guid id) where T : class =>
        _byKey.TryGetValue((typeof(T), id), out var entry) ? (T)entry.Record : null;

    /// <summary>
    /// A row just read, as a tracking query of EF hands it back: the record already tracked for the row if there is
    /// one (as it is, whatever its state), else the row itself, now tracked as read.
    /// </summary>
    public T Resolve<T>(T row) where T : class
    {
        var shape = shapes[typeof(T)];
        var key = (typeof(T), shape.KeyOf(row));
        if (_byKey.TryGetValue(key, out var entry)) return (T)entry.Record;
        Track(key, new Entry(shape, row, shape.Snapshot(row), EntityState.Unchanged));
        return row;
    }

    public List<T> ResolveAll<T>(List<T> rows) where T : class
    {
        for (var i = 0; i < rows.Count; i++) rows[i] = Resolve(rows[i]);
        return rows;
    }

    /// <summary>
    /// A row just read under its instance's lock, so current. A record already tracked for it without changes is
    /// refreshed with the row's values (references to it stay valid); one with changes is left as it is (the
    /// instance's revision check rejects a stale save); one being deleted is dropped (null) unless
    /// <paramref name="keepDeleted"/>.
    /// </summary>
    public T? Refresh<T>(T row, bool keepDeleted) where T : class
    {
        var shape = shapes[typeof(T)];
        var key = (typeof(T), shape.KeyOf(row));
        if (!_byKey.TryGetValue(key, out var entry))
        {
            Track(key, new Entry(shape, row, shape.Snapshot(row), EntityState.Unchanged));
            return row;
        }
        switch (entry.State)
        {
            case EntityState.Deleted:
                return keepDeleted ? (T)entry.Record : null;
            case EntityState.Unchanged when shape.Changed(entry.Record, entry.Original!) == 0:
                // The row, which nobody else holds, becomes the snapshot; the tracked record takes its values.
                Copy(shape, from: row, to: entry.Record);
                entry.Original = row;
                return (T)entry.Record;
            default:
                return (T)entry.Record;
        }
    }

    /// <summary>The snapshot of a tracked record that has changed since it was read or saved; null otherwise.</summary>
    public T? ChangedOriginal<T>(T record) where T : class =>
        _byKey.TryGetValue((typeof(T), shapes[typeof(T)].KeyOf(record)), out var entry)
        && ReferenceEquals(entry.Record, record) && entry.State == EntityState.Unchanged
        && entry.Shape.Changed(record, entry.Original!) != 0
            ? (T)entry.Original!
            : null;

    public void Add(object record)
    {
        var shape = shapes[record.GetType()];
        var key = (record.GetType(), shape.KeyOf(record));
        if (_byKey.ContainsKey(key))
            throw new InvalidOperationException($"A {record.GetType().Name} with the key {key.Item2} is already tracked.");
        Track(key, new Entry(shape, record, null, EntityState.Added));
    }

    public void Remove(object record)
    {
        var shape = shapes[record.GetType()];
        var key = (record.GetType(), shape.KeyOf(record));
        if (!_byKey.TryGetValue(key, out var entry))
        {
            // A record not read here: deleted as it stands.
            Track(key, new Entry(shape, record, shape.Snapshot(record), EntityState.Deleted));
            return;
        }
        if (!ReferenceEquals(entry.Record, record))
            throw new InvalidOperationException($"Another {record.GetType().Name} with the key {key.Item2} is tracked.");
        if (entry.State == EntityState.Added)
        {
            // Never written: forgotten.
            entry.State = EntityState.Detached;
            _byKey.Remove(key);
        }
        else entry.State = EntityState.Deleted;
    }

    /// <summary>What the next save writes, in the order the records were tracked.</summary>
    public List<PendingRecord> Pending()
    {
        var pending = new List<PendingRecord>();
        foreach (var entry in _entries)
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    pending.Add(new PendingRecord(entry.Shape, entry.Record, null, EntityState.Added, 0));
                    break;
                case EntityState.Deleted:
                    pending.Add(new PendingRecord(entry.Shape, entry.Record, entry.Original, EntityState.Deleted, 0));
                    break;
                case EntityState.Unchanged when entry.Shape.Changed(entry.Record, entry.Original!) is var changed and not 0:
                    pending.Add(new PendingRecord(entry.Shape, entry.Record, entry.Original, EntityState.Modified, changed));
                    break;
            }
        }
        return pending;
    }

    /// <summary>After a save: every record is as written (its snapshot taken again), deleted ones are forgotten.</summary>
    public void AcceptAll(List<PendingRecord> saved)
    {
        foreach (var write in saved)
            if (write.State != EntityState.Deleted)
                _byKey[(write.Record.GetType(), write.Shape.KeyOf(write.Record))].Original = write.Shape.Snapshot(write.Record);
        // Compacted in place (no delegate on every save).
        var kept = 0;
        for (var i = 0; i < _entries.Count; i++)
        {
            var entry = _entries[i];
            if (entry.State == EntityState.Deleted)
                _byKey.Remove((entry.Record.GetType(), entry.Shape.KeyOf(entry.Record)));
            if (entry.State is EntityState.Deleted or EntityState.Detached) continue;
            entry.State = EntityState.Unchanged;
            _entries[kept++] = entry;
        }
        _entries.RemoveRange(kept, _entries.Count - kept);
    }

    public void Clear()
    {
        _byKey.Clear();
        _entries.Clear();
    }

    private void Track((Type, Guid) key, Entry entry)
    {
        _byKey.Add(key, entry);
        _entries.Add(entry);
    }

    private static void Copy(RecordShape shape, object from, object to)
    {
        foreach (var property in shape.Properties)
            property.PropertyInfo!.SetValue(to, property.PropertyInfo.GetValue(from));
    }
}
