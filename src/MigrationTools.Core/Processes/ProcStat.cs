namespace MigrationTools.Core.Processes;

/// <summary>The text of a /proc/PID/stat (or /proc/PID/task/TID/stat) file, as proc(5) lays it out.</summary>
internal static class ProcStat
{
    /// <summary>
    /// Where the fields after the command name start (field 3, the state, is the first of them), or -1 when the text
    /// is cut short. The name sits in parentheses and may itself hold spaces and parentheses, so the last ')' ends it.
    /// </summary>
    internal static int FieldsStart(string stat)
    {
        var close = stat.LastIndexOf(')');
        return close >= 0 && close + 2 < stat.Length ? close + 2 : -1;
    }

    /// <summary>The fields after the command name: index 0 is field 3 (the state), index n is field n + 3; empty when cut short.</summary>
    internal static string[] FieldsAfterName(string stat)
    {
        var start = FieldsStart(stat);
        return start < 0 ? [] : stat[start..].Split(' ');
    }
}
