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

        if (lab.Hosts.Count > 0)
        {
            text.Append("    Hosts       = @{\n");
            foreach (var host in lab.Hosts.Values.OrderBy(h => h.Name, StringComparer.Ordinal))
            {
                var parts = new List<string>();
                Add(parts, "HostName", host.HostName);
                Add(parts, "UserName", host.UserName);
                Add(parts, "KeyFilePath", host.KeyFilePath);
                if (host.Port is { } port)
                {
                    parts.Add($"Port = {port.ToString(CultureInfo.InvariantCulture)}");
                }

                if (host.Options.Count > 0)
                {
                    parts.Add("Options = @{ " + string.Join("; ", host.Options.Select(o => $"{Quote(o.Key)} = {Quote(o.Value)}")) + " }");
                }

                Add(parts, "Address", host.Address);
                text.Append($"        {Quote(host.Name)} = @{{ {string.Join("; ", parts)} }}\n");
            }

            text.Append("    }\n");
        }

        if (lab.VxlanPort != 4789 || lab.VxlanBaseVni is not null || lab.VxlanAddress is not null)
        {
            var parts = new List<string> { $"Port = {lab.VxlanPort.ToString(CultureInfo.InvariantCulture)}" };
            if (lab.VxlanBaseVni is { } vni)
            {
                parts.Add($"BaseVni = {vni.ToString(CultureInfo.InvariantCulture)}");
            }

            Add(parts, "Address", lab.VxlanAddress);
            text.Append($"    Vxlan       = @{{ {string.Join("; ", parts)} }}\n");
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

            Add(parts, "Host", node.Host);

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

        Section(text, "Vxlans", lab.Vxlans.Select(v =>
            $"@{{ Node = {Quote(v.Node)}; Interface = {Quote(v.Interface)}; Vni = {v.Vni.ToString(CultureInfo.InvariantCulture)}; Local = {Quote(v.Local)}; Remote = {string.Join(", ", v.Remotes.Select(Quote))}; " +
            $"Port = {v.Port.ToString(CultureInfo.InvariantCulture)}; Mtu = {v.Mtu.ToString(CultureInfo.InvariantCulture)}" +
            (v.Addresses.Count > 0 ? $"; Addresses = {List(v.Addresses)}" : string.Empty) + (v.RateMbit is { } rate ? $"; RateMbit = {rate}" : string.Empty) + " }"));
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

    private static void Add(List<string> parts, string key, string? value)
    {
        if (value is not null)
        {
            parts.Add($"{key} = {Quote(value)}");
        }
    }

    private static string List(IReadOnlyList<string> items) => "@(" + string.Join(", ", items.Select(Quote)) + ")";

    /// <summary>A single-quoted PowerShell string (nothing in it is expanded).</summary>
    private static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
}
