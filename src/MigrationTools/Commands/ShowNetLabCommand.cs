using System.IO;
using System.Management.Automation;
using MigrationTools.Completion;
using MigrationTools.Engine.Labs;
using MigrationTools.Labs;

namespace MigrationTools.Commands;

/// <summary>Draws a lab's topology as Mermaid or Graphviz DOT, or as an SVG picture.</summary>
/// <remarks>
/// Writes the topology of a built lab (-Name, or a lab from the pipeline), a lab file (-Path) or a shipped lab
/// (-Template) as text: Mermaid by default (paste it into Markdown), or Graphviz DOT with -Format Dot. Nodes show
/// their addresses; links are solid lines labelled with their interfaces, tunnels dashed, flow mappings dotted
/// arrows to the nodes that hold their targets. -OutFile writes a file whose extension picks the format: .svg, .png
/// and .pdf are rendered with Graphviz (Debian's graphviz package), .dot and .gv are DOT text, .mmd is Mermaid and .md
/// Mermaid in a Markdown fence; any other extension is an OutFileInvalid error.
/// </remarks>
/// <example>
/// <code>Show-NetLab -Template quic-lb</code>
/// <para>The QUIC load-balancer lab as Mermaid, without building it.</para>
/// </example>
/// <example>
/// <code>Get-NetLab q1-quic-lb | Show-NetLab -OutFile q1.svg</code>
/// <para>Renders a built lab as an SVG picture.</para>
/// </example>
[Cmdlet(VerbsCommon.Show, "NetLab", DefaultParameterSetName = NameSet)]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class ShowNetLabCommand : MigrationToolsCmdlet
{
    private const string NameSet = "Name";
    private const string PathSet = "Path";
    private const string TemplateSet = "Template";

    /// <summary>A built lab (lab objects from Get-NetLab bind by their Name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(LabNameCompleter))]
    public string Name { get; set; } = null!;

    /// <summary>A lab file to draw without building it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    public string Path { get; set; } = null!;

    /// <summary>A shipped lab to draw without building it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = TemplateSet)]
    [ArgumentCompleter(typeof(LabTemplateCompleter))]
    public string Template { get; set; } = null!;

    /// <summary>Mermaid (default) or Dot.</summary>
    [Parameter]
    [ValidateSet("Mermaid", "Dot")]
    public string Format { get; set; } = "Mermaid";

    /// <summary>Write to this file instead, in the format its extension names (.svg, .png, .pdf, .dot, .gv, .mmd, .md).</summary>
    [Parameter]
    public string? OutFile { get; set; }

    /// <inheritdoc />
    protected override bool RequiresRoot => false;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        Invoke(Name ?? Path ?? Template, () =>
        {
            var definition = ParameterSetName switch
            {
                PathSet => LabFileReader.Read(GetUnresolvedProviderPathFromPSPath(Path)),
                TemplateSet => LabFileReader.Read(LabTemplates.PathOf(Template)),
                _ => LabManager.Get(Name!).Definition,
            };
            if (OutFile is null)
            {
                WriteObject(Format == "Dot" ? LabGraph.Dot(definition) : LabGraph.Mermaid(definition));
                return;
            }

            var target = GetUnresolvedProviderPathFromPSPath(OutFile);
            LabPicture.Write(definition, target, CancellationToken);
            WriteObject(new FileInfo(target));
        });
    }
}
