using System.Globalization;

namespace ActorRunner.Scenarios;

/// <summary>A scenario's settings were refused: the message is "full key: problem".</summary>
public sealed class ScenarioSettingsException : Exception
{
    /// <summary>
    /// Refuses the setting <paramref name="key"/>, its full name (<see cref="ScenarioSection.Name"/>), for
    /// <paramref name="problem"/>: the runner then names where the value came from (a file, --set, an option).
    /// </summary>
    public ScenarioSettingsException(string key, string problem) : base($"{key}: {problem}")
    {
        Key = key;
        Problem = problem;
    }

    /// <summary>Refuses the settings with a message of its own (it should start with the full key); shown as it is.</summary>
    public ScenarioSettingsException(string message) : base(message) => Problem = message;

    /// <summary>The full key of the refused setting; null when the message was given whole.</summary>
    public string? Key { get; }

    /// <summary>What is wrong with it (the whole message when no key was given).</summary>
    public string Problem { get; }
}

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
        Values.TryGetValue(key, out var value) ? value : throw new ScenarioSettingsException(Name(key), "missing");

    /// <summary>A whole number within bounds.</summary>
    public int GetInt(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        var raw = GetString(key);
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw new ScenarioSettingsException(Name(key), $"'{raw}' is not a whole number");
        if (value < min) throw new ScenarioSettingsException(Name(key), $"{value} is below the minimum of {min}");
        if (value > max) throw new ScenarioSettingsException(Name(key), $"{value} is above the maximum of {max}");
        return value;
    }

    /// <summary>on/off, true/false or yes/no.</summary>
    public bool GetBool(string key) => GetString(key).ToLowerInvariant() switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        var raw => throw new ScenarioSettingsException(Name(key), $"'{raw}' is not on or off"),
    };
}
