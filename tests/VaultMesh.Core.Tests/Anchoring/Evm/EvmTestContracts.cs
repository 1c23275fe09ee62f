using VaultMesh.Core.Anchoring.Evm;
using VaultMesh.Core.Digests;

namespace VaultMesh.Core.Tests.Anchoring.Evm;

/// <summary>
/// Hand-assembled EVM bytecode standing in for upstream's anchor contract: enough to emit the same
/// BatchAnchored log that upstream's contract emits, or to revert, so both verification paths run
/// against real transactions on Anvil.
/// </summary>
internal static class EvmTestContracts
{
    /// <summary>
    /// Runtime code: LOG3(topic0 = BatchAnchored, topic1 = calldata[4..36] (root), topic2 =
    /// calldata[36..68] (batchId), data = ABI encoding of the empty string), then STOP, or REVERT
    /// when <paramref name="revert"/> (the log is then discarded with the rest of the call's effects).
    /// </summary>
    public static byte[] AnchorRuntime(bool revert)
    {
        var code = new List<byte>
        {
            0x60, 0x20, 0x60, 0x00, 0x52, // MSTORE(0, 0x20): string offset; memory 32..64 stays 0 = length 0
            0x60, 0x24, 0x35,             // CALLDATALOAD(36): batchId, topic 2 (pushed first, deepest)
            0x60, 0x04, 0x35,             // CALLDATALOAD(4): root, topic 1
            0x7f,                         // PUSH32 topic 0
        };
        code.AddRange(Convert.FromHexString(UpstreamAnchorContract.BatchAnchoredTopic[2..]));
        code.AddRange([
            0x60, 0x40,                   // size 64
            0x60, 0x00,                   // offset 0
            0xa3,                         // LOG3(offset, size, topic0, topic1, topic2)
        ]);
        code.AddRange(revert
            ? [0x60, 0x00, 0x80, 0xfd]    // REVERT(0, 0)
            : [0x00]);                    // STOP
        return [.. code];
    }

    /// <summary>Runtime code that reverts whatever it is sent.</summary>
    public static byte[] RevertRuntime() => [0x60, 0x00, 0x80, 0xfd];

    /// <summary>Creation code that returns <paramref name="runtime"/> as the contract's code.</summary>
    public static byte[] Creation(byte[] runtime)
    {
        if (runtime.Length > 0xff)
        {
            throw new ArgumentException("Runtime longer than PUSH1 can size.", nameof(runtime));
        }
        byte[] init =
        [
            0x60, (byte)runtime.Length,   // PUSH1 size
            0x80,                         // DUP1 (size again, for RETURN)
            0x60, 0x0b,                   // PUSH1 11: the runtime starts after these 11 bytes
            0x60, 0x00,                   // PUSH1 0: memory destination
            0x39,                         // CODECOPY(0, 11, size)
            0x60, 0x00,                   // PUSH1 0
            0xf3,                         // RETURN(0, size)
        ];
        return [.. init, .. runtime];
    }

    /// <summary>ABI call data of upstream's <c>anchor(bytes32 root, bytes32 batchId, string memo, bool persist)</c> with an empty memo.</summary>
    public static byte[] AnchorCall(Sha256Digest root, byte batchIdFill)
    {
        var data = new byte[4 + (5 * 32)];
        Convert.FromHexString(UpstreamAnchorContract.AnchorSelector[2..]).CopyTo(data, 0);
        root.CopyTo(data.AsSpan(4));
        data.AsSpan(36, 32).Fill(batchIdFill);
        data[4 + (3 * 32) - 1] = 0x80;    // offset of memo: after the four head words
        data[4 + (4 * 32) - 1] = 0x01;    // persist = true
        // The last word is memo's length, 0.
        return data;
    }
}
