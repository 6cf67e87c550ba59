using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace MigrationTools.Engine.Tests.Architecture;

/// <summary>The metadata tokens a method body's instructions name (fields, methods, types), with their opcodes.</summary>
internal static class IlOperands
{
    private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    public static IEnumerable<(short OpCode, EntityHandle Token)> Tokens(MethodBodyBlock body)
    {
        BlobReader il = body.GetILReader();
        var tokens = new List<(short, EntityHandle)>();
        while (il.RemainingBytes > 0)
        {
            short code = il.ReadByte();
            if (code == 0xFE) code = unchecked((short)(0xFE00 | il.ReadByte()));
            switch (Operands[code])
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                case OperandType.InlineVar: il.Offset += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                case OperandType.InlineSwitch:
                    int targets = il.ReadInt32(); // read before Offset: `Offset += 4 * ReadInt32()` would add to the old offset
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    tokens.Add((code, MetadataTokens.EntityHandle(il.ReadInt32())));
                    break;
                default: il.Offset += 4; break;
            }
        }

        return tokens;
    }
}
