using System.Reflection;
using System.Runtime.Loader;
using ActorRunner.Scenarios.PostgresRowLimit;
using ActorRunner.Scenarios.RaceWindow;
using ActorRunner.Scenarios.SqliteCounter;

namespace ActorRunner.Scenarios;

/// <summary>A scenario could not be found or loaded; the message names it.</summary>
public sealed class ScenarioLoadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Finds a scenario by name: a built-in ("sqlite-counter", "postgres-row-limit", "race-window"), or a user's class named
/// "Namespace.Type, Assembly" in the assembly file given with --scenario-assembly. The orchestrator and every node
/// load it the same way.
/// </summary>
public static class ScenarioCatalog
{
    public const string Default = CounterScenario.Name;

    private static readonly Dictionary<string, Func<Scenario>> BuiltIns = new(StringComparer.Ordinal)
    {
        [CounterScenario.Name] = () => new CounterScenario(),
        [RowLimitScenario.Name] = () => new RowLimitScenario(),
        [RaceWindowScenario.Name] = () => new RaceWindowScenario(),
    };

    public static IReadOnlyCollection<string> BuiltInNames => BuiltIns.Keys;

    /// <summary>Every built-in scenario by name, for the settings and lock modes each declares.</summary>
    public static IEnumerable<(string Name, Scenario Scenario)> BuiltInScenarios => BuiltIns.Select(b => (b.Key, b.Value()));

    public static bool IsBuiltIn(string name) => BuiltIns.ContainsKey(name);

    /// <param name="name">A built-in name, or "Namespace.Type, Assembly".</param>
    /// <param name="assemblyPath">The user's assembly file (empty for a built-in).</param>
    public static Scenario Create(string name, string assemblyPath)
    {
        if (BuiltIns.TryGetValue(name, out var builtIn))
        {
            if (assemblyPath.Length > 0)
                throw new ScenarioLoadException($"'{name}' is built in; --scenario-assembly {assemblyPath} is for a scenario of your own");
            return builtIn();
        }
        var comma = name.IndexOf(',');
        if (comma <= 0)
            throw new ScenarioLoadException($"'{name}' is not a built-in scenario ({string.Join(", ", BuiltIns.Keys)}) nor a class named \"Namespace.Type, Assembly\"");
        var typeName = name[..comma].Trim();
        var assemblyName = name[(comma + 1)..].Trim();
        if (assemblyPath.Length == 0)
            throw new ScenarioLoadException($"'{name}' names a scenario of your own: give its assembly with --scenario-assembly PATH.dll");
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full)) throw new ScenarioLoadException($"--scenario-assembly: no such file {full}");

        Assembly assembly;
        try
        {
            assembly = new ScenarioLoadContext(full).LoadFromAssemblyPath(full);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException)
        {
            throw new ScenarioLoadException($"--scenario-assembly: {full} is not a .NET assembly this runtime can load: {e.Message}", e);
        }
        if (!string.Equals(assembly.GetName().Name, assemblyName, StringComparison.Ordinal))
            throw new ScenarioLoadException($"'{name}': {full} is assembly {assembly.GetName().Name}, not {assemblyName}");

        Type? type;
        try
        {
            type = assembly.GetType(typeName, throwOnError: false);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException)
        {
            throw new ScenarioLoadException($"'{name}': cannot load it from {full}: {e.Message}", e);
        }
        if (type is null)
            throw new ScenarioLoadException($"'{name}': {full} has no type {typeName}");
        if (!typeof(Scenario).IsAssignableFrom(type) || type.IsAbstract)
            throw new ScenarioLoadException($"'{name}' is not a scenario: it must be a public class deriving from {typeof(Scenario).FullName}");
        if (type.GetConstructor(Type.EmptyTypes) is null)
            throw new ScenarioLoadException($"'{name}' needs a public parameterless constructor");
        try
        {
            return (Scenario)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e)
        {
            throw new ScenarioLoadException($"'{name}': its constructor failed: {e.InnerException?.Message}", e.InnerException);
        }
    }

    /// <summary>
    /// Loads a user's assembly with its own dependencies, but shares every assembly the runner itself carries (the
    /// contract above all, so the user's class is a <see cref="Scenario"/> to the runner).
    /// </summary>
    private sealed class ScenarioLoadContext(string path) : AssemblyLoadContext($"scenario:{Path.GetFileName(path)}")
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName name)
        {
            try
            {
                return Default.LoadFromAssemblyName(name);
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException)
            {
                var own = _resolver.ResolveAssemblyToPath(name);
                return own is null ? null : LoadFromAssemblyPath(own);
            }
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
        {
            var own = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
            return own is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(own);
        }
    }
}
