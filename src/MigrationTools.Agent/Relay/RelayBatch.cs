using System.Runtime.InteropServices;
using MigrationTools.Core.Interop;

namespace MigrationTools.Agent.Relay;

/// <summary>Batch buffers for one direction of the relay: a slot per message, each message's single iovec pointing at its slot.</summary>
internal static unsafe class RelayBatch
{
    /// <summary>Allocates <paramref name="count"/> slots of <paramref name="slotSize"/> bytes and their message headers; they live as long as the relay.</summary>
    internal static void Allocate(int count, int slotSize, out byte* slots, out IoVec* vectors, out MMsgHdr* messages)
    {
        slots = (byte*)NativeMemory.Alloc((nuint)(count * slotSize));
        vectors = (IoVec*)NativeMemory.AllocZeroed((nuint)(count * sizeof(IoVec)));
        messages = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(count * sizeof(MMsgHdr)));
        for (var i = 0; i < count; i++)
        {
            vectors[i].Base = slots + (i * slotSize);
            vectors[i].Length = (nuint)slotSize;
            messages[i].Header.Iov = &vectors[i];
            messages[i].Header.IovLength = 1;
        }
    }
}
