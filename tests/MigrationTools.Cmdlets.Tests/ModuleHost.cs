using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace MigrationTools.Cmdlets.Tests;

/// <summary>
/// One runspace with the module's binary cmdlets imported (from the assembly the tests reference), as PowerShell's
/// own xUnit tests host the engine. Each call runs one script and returns its output and its error records.
/// </summary>
public sealed class ModuleHost : IDisposable
{
    private readonly Runspace _runspace;

    /// <summary>Opens the runspace and imports the module's assembly.</summary>
    public ModuleHost()
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(new[] { typeof(MigrationToolsCmdlet).Assembly.Location });
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
    }

    /// <summary>Runs <paramref name="script"/> with optional pipeline input.</summary>
    public Result Run(string script, params object[] input)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        Collection<PSObject> output;
        Exception? thrown = null;
        try
        {
            output = input.Length == 0 ? shell.Invoke() : shell.Invoke(input);
        }
        catch (RuntimeException ex)
        {
            output = new Collection<PSObject>();
            thrown = ex;
        }

        var errors = shell.Streams.Error.ToList();
        if (thrown is RuntimeException runtime && runtime.ErrorRecord is { } record)
        {
            errors.Add(record);
        }

        return new Result(output.Select(o => o?.BaseObject).ToList(), errors, shell.Streams.Verbose.Select(v => v.Message).ToList(), shell.Streams.Warning.Select(w => w.Message).ToList());
    }

    /// <inheritdoc />
    public void Dispose() => _runspace.Dispose();

    /// <summary>What a script wrote.</summary>
    public sealed record Result(IReadOnlyList<object?> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<string> Verbose, IReadOnlyList<string> Warnings)
    {
        /// <summary>The error ids, without the command part of the FullyQualifiedErrorId.</summary>
        public IReadOnlyList<string> ErrorIds => Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToList();
    }
}
