using System;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace MigrationTools.Cmdlets.Tests;

/// <summary>Cmdlets that need root, on a namespace of this class's own (removed afterwards).</summary>
public sealed class RootCmdletTests : IClassFixture<ModuleHostFixture>, IDisposable
{
    private readonly ModuleHost _host;
    private readonly string _namespace = "mtc-" + Guid.NewGuid().ToString("N")[..6];

    public RootCmdletTests(ModuleHostFixture fixture) => _host = fixture.Host;

    [RootFact]
    public void AProgramThatCannotStartIsObjectNotFound()
    {
        Assert.Empty(_host.Run($"New-NetNs -Name {_namespace} | Out-Null").Errors);

        var error = Assert.Single(_host.Run($"Invoke-NetNs -Name {_namespace} -Command mtc-no-such-program").Errors);

        Assert.StartsWith("ProgramNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [RootFact]
    public void StandardInputReachesTheProgram()
    {
        Assert.Empty(_host.Run($"New-NetNs -Name {_namespace} | Out-Null").Errors);

        var result = _host.Run($"(Invoke-NetNs -Name {_namespace} -Command cat -StandardInput 'one', 'two').Output");

        Assert.Equal(new object?[] { "one", "two" }, result.Output.ToArray());
    }

    [RootFact]
    public void AnObjectWithANamespaceNeverWidensIntoAConntrackPurge()
    {
        // Remove-ConntrackEntry takes entries from the pipeline; an object that merely has a Namespace property must
        // not bind to the filter parameter set, which would delete every entry of the namespace.
        var result = _host.Run($"[pscustomobject]@{{ Namespace = '{_namespace}' }} | Remove-ConntrackEntry -Confirm:$false");

        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId.StartsWith("InputObjectNotBound", StringComparison.Ordinal));
    }

    [RootFact]
    public void ABadAddressIsRefusedBeforeTheNamespaceIsTouched()
    {
        var error = Assert.Single(_host.Run("New-NetNsAddress -Namespace mtc-none-7 -Interface eth0 -IPAddress 10.0.0.300 -PrefixLength 24").Errors);

        Assert.StartsWith("InvalidIpPrefix,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    /// <inheritdoc />
    public void Dispose() => _host.Run($"Get-NetNs -Name {_namespace} -ErrorAction SilentlyContinue | Remove-NetNs -Confirm:$false");
}
