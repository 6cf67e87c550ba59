using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace MigrationTools.Engine.Labs;

/// <summary>Writes a lab definition as a lab file (a PowerShell data file) that <see cref="LabFileParser"/> reads back.</summary>
internal static class LabFileWriter
{
    /// <summary>The lab file text.</summary>
    public static string Write(LabDefinition lab)
    {
        var text = new StringBuilder("@{\n");
        text.Append($"    Name        = {Quote(lab.Name)}\n");
        if (lab.Description is not null)
        {
            text.Append($"    Description = {Quote(lab.Description)}\n");
        }

        text.Append("    Nodes       = @{\n");
        foreach (var node in lab.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            var parts = new List<string>();
            if (node.Forwarding)
            {
                parts.Add("Forwarding = $true");
            }

            if (node.Sysctls.Count > 0)
            {
                parts.Add("Sysctls = @{ " + string.Join("; ", node.Sysctls.Select(s => $"{Quote(s.Key)} = {Quote(s.Value)}")) + " }");
            }

            if (node.Routes.Count > 0)
            {
                parts.Add("Routes = @(" + string.Join(", ", node.Routes.Select(Route)) + ")");
            }

            if (node.Nftables is not null)
            {
                parts.Add("Nftables = " + Quote(node.Nftables));
            }

            text.Append($"        {Quote(node.Name)} = @{{ {string.Join("; ", parts)} }}\n");
        }

        text.Append("    }\n");
        Section(text, "Links", lab.Links.Select(l =>
            $"@{{ Endpoints = {Quote(l.A.ToString())}, {Quote(l.B.ToString())}; Addresses = {List(l.AddressesA)}, {List(l.AddressesB)}" +
            (l.Mtu is { } mtu ? $"; Mtu = {mtu}" : string.Empty) + (l.RateMbit is { } rate ? $"; RateMbit = {rate}" : string.Empty) +
            (l.ImpairmentA is null && l.ImpairmentB is null ? string.Empty : $"; Impairments = {Impairment(l.ImpairmentA)}, {Impairment(l.ImpairmentB)}") + " }"));
        if (lab.Segments.Count > 0)
        {
            text.Append("    Segments = @{\n");
            foreach (var segment in lab.Segments)
            {
                var addresses = segment.Members.Select((m, i) => (Member: m, List: segment.Addresses[i])).Where(a => a.List.Count > 0)
                    .Select(a => $"{Quote(a.Member.ToString())} = {List(a.List)}");
                text.Append($"        {Quote(segment.Name)} = @{{ Members = {string.Join(", ", segment.Members.Select(m => Quote(m.ToString())))}; Addresses = @{{ {string.Join("; ", addresses)} }}" +
                    (segment.Mtu is { } mtu ? $"; Mtu = {mtu}" : string.Empty) + (segment.RateMbit is { } rate ? $"; RateMbit = {rate}" : string.Empty) + " }\n");
            }

            text.Append("    }\n");
        }

        Section(text, "Addresses", lab.Addresses.Select(a => $"@{{ Node = {Quote(a.Node)}; Interface = {Quote(a.Interface)}; Address = {Quote(a.Address)} }}"));
        Section(text, "Tunnels", lab.Tunnels.Select(t =>
            $"@{{ Node = {Quote(t.Node)}; Name = {Quote(t.Name)}; Local = {Quote(t.Local)}; Remote = {Quote(t.Remote)}; Mode = {Quote(t.Mode.ToString())}" +
            (t.Ttl != 0 ? $"; Ttl = {t.Ttl}" : string.Empty) + (t.Mtu is { } mtu ? $"; Mtu = {mtu}" : string.Empty) + " }"));
        Section(text, "FlowMappings", lab.FlowMappings.Select(m =>
            $"@{{ Node = {Quote(m.Node)}; VirtualAddress = {Quote(m.VirtualAddress)}; Target = {string.Join(", ", m.Targets.Select(Quote))}; Backend = {Quote(m.Backend.ToString())} }}"));
        Section(text, "Captures", lab.Captures.Select(c =>
            $"@{{ Node = {Quote(c.Node)}; Path = {Quote(c.Path)}" + (c.Interface is null ? string.Empty : $"; Interface = {Quote(c.Interface)}") +
            (c.Filter is null ? string.Empty : $"; Filter = {Quote(c.Filter)}") + " }"));
        return text.Append("}\n").ToString();
    }

    private static void Section(StringBuilder text, string name, IEnumerable<string> items)
    {
        var list = items.ToArray();
        if (list.Length == 0)
        {
            return;
        }

        text.Append($"    {name} = @(\n");
        foreach (var item in list)
        {
            text.Append($"        {item}\n");
        }

        text.Append("    )\n");
    }

    private static string Route(LabRoute route)
    {
        var parts = new List<string> { $"Destination = {Quote(route.Destination)}" };
        if (route.Gateway is not null)
        {
            parts.Add($"Gateway = {Quote(route.Gateway)}");
        }

        if (route.Interface is not null)
        {
            parts.Add($"Interface = {Quote(route.Interface)}");
        }

        if (route.Metric is { } metric)
        {
            parts.Add($"Metric = {metric.ToString(CultureInfo.InvariantCulture)}");
        }

        if (route.Destination == "default" && route.Gateway is null)
        {
            parts.Add($"Family = {Quote(route.IPv6 ? "IPv6" : "IPv4")}");
        }

        return "@{ " + string.Join("; ", parts) + " }";
    }

    private static string Impairment(Netlink.Route.NetemSettings? s)
    {
        if (s is null)
        {
            return "@{}";
        }

        var parts = new List<string>();
        foreach (var (key, value) in new[] { ("DelayMs", s.DelayMs), ("JitterMs", s.JitterMs), ("LossPercent", s.LossPercent), ("DuplicatePercent", s.DuplicatePercent), ("ReorderPercent", s.ReorderPercent) })
        {
            if (value > 0)
            {
                parts.Add($"{key} = {value.ToString("R", CultureInfo.InvariantCulture)}");
            }
        }

        return "@{ " + string.Join("; ", parts) + " }";
    }

    private static string List(IReadOnlyList<string> items) => "@(" + string.Join(", ", items.Select(Quote)) + ")";

    /// <summary>A single-quoted PowerShell string (nothing in it is expanded).</summary>
    private static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
}
