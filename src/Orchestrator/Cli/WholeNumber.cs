using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace ActorRunner.Orchestrator.Cli;

/// <summary>
/// A whole-number option whose bad value is reported in the user's terms ("--tasks: '1e3' is not a whole number from
/// -2147483648 to 2147483647"), not the parser's (".. as expected type 'System.Int32'"). The range each setting
/// allows is checked where the setting is read, with the setting's name (SettingsLoader).
/// </summary>
public static class WholeNumber
{
    public static Option<int> Option(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
            result.AddError($"{name}: '{text}' is not a whole number from {int.MinValue} to {int.MaxValue}");
            return 0;
        },
    };
}
