using Microsoft.EntityFrameworkCore;
using Plie.Application.Common;

namespace Plie.Application.Supervision;

/// <summary>
/// Raw SQL for the supervision queries, where one hand-written statement is clearer and faster than LINQ (unions,
/// percentiles). The result stays an <see cref="IQueryable{T}"/>: filters, order and paging compose on it in LINQ.
/// Columns are aliased to the property names of <typeparamref name="T"/> (quoted, PascalCase).
/// </summary>
internal static class SupervisionSql
{
    public static IQueryable<T> Sql<T>(this IPlieDbContext db, FormattableString sql) =>
        ((DbContext)db).Database.SqlQuery<T>(sql);

    /// <summary>SQL built from pieces: <c>{0}</c>, <c>{1}</c>… in <paramref name="sql"/> are the parameters, in order.</summary>
    public static IQueryable<T> SqlRaw<T>(this IPlieDbContext db, string sql, IEnumerable<object> parameters) =>
        ((DbContext)db).Database.SqlQueryRaw<T>(sql, parameters.ToArray());
}
