using System.Globalization;

namespace ActorRunner.Scenarios;

/// <summary>A scenario's settings were refused. The message starts with the full key.</summary>
public sealed class ScenarioSettingsException(string message) : Exception(message);

/// <summary>
/// A scenario's own HOCON section (<c>actor-runner.&lt;section&gt;</c>), flattened to dotted keys and their values as
/// text. The typed getters refuse a wrong value with an error that names the full key.
/// </summary>
public sealed class ScenarioSection(string prefix, IReadOnlyDictionary<string, string> values)
{
    /// <summary>No settings.</summary>
    public static readonly ScenarioSection Empty = new("actor-runner", new Dictionary<string, string>());

    /// <summary>The section's full path, e.g. "actor-runner.postgres".</summary>
    public string Prefix { get; } = prefix;

    /// <summary>Every key of the section (dotted) and its value as text.</summary>
    public IReadOnlyDictionary<string, string> Values { get; } = values;

    /// <summary>The full key, for messages.</summary>
    public string Name(string key) => $"{Prefix}.{key}";

    /// <summary>The value as text.</summary>
    public string GetString(string key) =>
        Values.TryGetValue(key, out var value) ? value : throw new ScenarioSettingsException($"{Name(key)}: missing");

    /// <summary>A whole number within bounds.</summary>
    public int GetInt(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        var raw = GetString(key);
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw new ScenarioSettingsException($"{Name(key)}: '{raw}' is not a whole number");
        if (value < min) throw new ScenarioSettingsException($"{Name(key)}: {value} is below the minimum of {min}");
        if (value > max) throw new ScenarioSettingsException($"{Name(key)}: {value} is above the maximum of {max}");
        return value;
    }

    /// <summary>on/off, true/false or yes/no.</summary>
    public bool GetBool(string key) => GetString(key).ToLowerInvariant() switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        var raw => throw new ScenarioSettingsException($"{Name(key)}: '{raw}' is not on or off"),
    };
}
