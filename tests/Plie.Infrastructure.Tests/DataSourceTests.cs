using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Plie.Infrastructure.Tests;

/// <summary>The application's data source (built without connecting).</summary>
public sealed class DataSourceTests
{
    private static NpgsqlConnectionStringBuilder SettingsOf(string connectionString)
    {
        using var services = new ServiceCollection().AddLogging().AddPlieInfrastructure(connectionString).BuildServiceProvider();
        return new NpgsqlConnectionStringBuilder(services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
    }

    [Fact]
    public void Statements_are_prepared_automatically_from_their_second_use()
    {
        var settings = SettingsOf("Host=localhost;Database=plie;Username=plie");
        Assert.Equal(64, settings.MaxAutoPrepare);
        Assert.Equal(2, settings.AutoPrepareMinUsages);
    }

    [Theory]
    [InlineData("Host=localhost;Max Auto Prepare=0", 0, 2)]
    [InlineData("Host=localhost;MaxAutoPrepare=10;Auto Prepare Min Usages=3", 10, 3)]
    public void The_connection_string_has_the_last_word_on_automatic_preparation(string connectionString, int max, int minUsages)
    {
        var settings = SettingsOf(connectionString);
        Assert.Equal(max, settings.MaxAutoPrepare);
        Assert.Equal(minUsages, settings.AutoPrepareMinUsages);
    }
}
