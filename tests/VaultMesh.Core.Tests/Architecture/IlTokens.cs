using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace VaultMesh.Core.Tests.Architecture;

/// <summary>The metadata tokens in a method body's IL, each with the opcode that names it.</summary>
public static class IlTokens
{
    private static readonly Dictionary<short, OpCode> Codes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Every token operand (types, methods, fields, signatures) of the body, in order.</summary>
    public static List<(OpCode Code, EntityHandle Token)> Of(BlobReader il)
    {
        var found = new List<(OpCode, EntityHandle)>();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il.ReadByte()));
            var code = Codes[value];
            switch (code.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.ReadByte(); break;
                case OperandType.InlineVar: il.ReadInt16(); break;
                case OperandType.InlineI8 or OperandType.InlineR: il.ReadInt64(); break;
                case OperandType.InlineSwitch: var targets = il.ReadInt32(); il.Offset += 4 * targets; break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.ShortInlineR
                    or OperandType.InlineString:
                    il.ReadInt32(); break;
                default: found.Add((code, MetadataTokens.EntityHandle(il.ReadInt32()))); break;
            }
        }
        return found;
    }
}
