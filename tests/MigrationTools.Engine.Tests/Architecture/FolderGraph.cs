using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace MigrationTools.Engine.Tests.Architecture;

/// <summary>
/// Which source folder of one assembly uses which other, read from the compiled assembly and its portable PDB: every
/// type definition is placed in the folder of the file that defines it (from the PDB's method documents, or its
/// type-definition documents for types without bodies), and a type uses every type definition of the same assembly
/// that appears in its base type, interfaces, fields, signatures, locals and IL operands. Nothing is grepped.
/// </summary>
internal sealed class FolderGraph
{
    private static readonly Guid TypeDefinitionDocuments = new("932E74BC-DBA9-4478-8D46-0F32A7BAB3D3");

    private FolderGraph(string projectName, IReadOnlyDictionary<string, IReadOnlySet<string>> edges,
        IReadOnlyDictionary<(string From, string To), IReadOnlySet<string>> evidence, IReadOnlyList<string> unplaced)
    {
        ProjectName = projectName;
        Edges = edges;
        Evidence = evidence;
        Unplaced = unplaced;
    }

    /// <summary>For each edge, the type uses behind it ("Type -> UsedType"), for a readable failure.</summary>
    public IReadOnlyDictionary<(string From, string To), IReadOnlySet<string>> Evidence { get; }

    public string ProjectName { get; }

    /// <summary>Folder (relative to the project, "/" separated, "" for the project root) to the folders it uses.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Edges { get; }

    /// <summary>Types the PDB placed in no file (none expected; a test checks it so the graph cannot go blind).</summary>
    public IReadOnlyList<string> Unplaced { get; }

    public static FolderGraph Read(string assemblyPath)
    {
        string projectName = Path.GetFileNameWithoutExtension(assemblyPath);
        using var peStream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(peStream);
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(Path.ChangeExtension(assemblyPath, ".pdb")));
        MetadataReader md = pe.GetMetadataReader();
        MetadataReader pdb = pdbProvider.GetMetadataReader();

        var folderOf = new Dictionary<TypeDefinitionHandle, string>();
        foreach (MethodDefinitionHandle method in md.MethodDefinitions)
        {
            MethodDebugInformation info = pdb.GetMethodDebugInformation(method);
            if (info.Document.IsNil) continue;
            TypeDefinitionHandle type = Outermost(md, md.GetMethodDefinition(method).GetDeclaringType());
            folderOf.TryAdd(type, FolderOf(pdb, info.Document, projectName));
        }
        foreach (CustomDebugInformationHandle handle in pdb.CustomDebugInformation)
        {
            CustomDebugInformation cdi = pdb.GetCustomDebugInformation(handle);
            if (cdi.Parent.Kind != HandleKind.TypeDefinition || pdb.GetGuid(cdi.Kind) != TypeDefinitionDocuments) continue;
            BlobReader blob = pdb.GetBlobReader(cdi.Value);
            int row = blob.ReadCompressedInteger();
            folderOf.TryAdd(Outermost(md, (TypeDefinitionHandle)cdi.Parent), FolderOf(pdb, MetadataTokens.DocumentHandle(row), projectName));
        }

        var edges = new Dictionary<string, HashSet<string>>();
        var evidence = new Dictionary<(string, string), HashSet<string>>();
        var unplaced = new List<string>();
        var provider = new TypeCollector(md);
        foreach (TypeDefinitionHandle handle in md.TypeDefinitions)
        {
            TypeDefinitionHandle outer = Outermost(md, handle);
            if (!folderOf.TryGetValue(outer, out string? from))
            {
                string name = md.GetString(md.GetTypeDefinition(handle).Name);
                if (name != "<Module>" && !IsCompilerSupport(md, outer)) unplaced.Add(name);
                continue;
            }
            foreach (TypeDefinitionHandle used in Uses(md, pe, handle, provider))
            {
                if (folderOf.TryGetValue(Outermost(md, used), out string? to) && to != from)
                {
                    if (!edges.TryGetValue(from, out HashSet<string>? set)) edges[from] = set = new HashSet<string>();
                    set.Add(to);
                    if (!evidence.TryGetValue((from, to), out HashSet<string>? why)) evidence[(from, to)] = why = new HashSet<string>();
                    why.Add(md.GetString(md.GetTypeDefinition(outer).Name) + " -> " + md.GetString(md.GetTypeDefinition(Outermost(md, used)).Name));
                }
            }
        }
        return new FolderGraph(projectName, edges.ToDictionary(e => e.Key, e => (IReadOnlySet<string>)e.Value),
            evidence.ToDictionary(e => e.Key, e => (IReadOnlySet<string>)e.Value), unplaced);
    }

    /// <summary>The strongly connected components with more than one folder: each is a dependency cycle.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<IReadOnlyList<string>>();
        int next = 0;
        var nodes = Edges.Keys.Concat(Edges.Values.SelectMany(v => v)).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        foreach (string node in nodes)
        {
            if (!index.ContainsKey(node)) Connect(node);
        }
        return result;

        void Connect(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (string w in Edges.TryGetValue(v, out IReadOnlySet<string>? outs) ? outs.OrderBy(x => x, StringComparer.Ordinal) : Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(w)) { Connect(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            if (component.Count > 1) result.Add(component.OrderBy(c => c, StringComparer.Ordinal).ToList());
        }
    }

    private static string FolderOf(MetadataReader pdb, DocumentHandle document, string projectName)
    {
        string path = pdb.GetString(pdb.GetDocument(document).Name).Replace('\\', '/');
        string marker = "/src/" + projectName + "/";
        int at = path.LastIndexOf(marker, StringComparison.Ordinal);
        string relative = at >= 0 ? path[(at + marker.Length)..] : path;
        int slash = relative.LastIndexOf('/');
        return slash < 0 ? "" : relative[..slash];
    }

    private static TypeDefinitionHandle Outermost(MetadataReader md, TypeDefinitionHandle type)
    {
        while (true)
        {
            TypeDefinitionHandle outer = md.GetTypeDefinition(type).GetDeclaringType();
            if (outer.IsNil) return type;
            type = outer;
        }
    }

    private static bool IsCompilerSupport(MetadataReader md, TypeDefinitionHandle type)
    {
        TypeDefinition definition = md.GetTypeDefinition(type);
        string name = md.GetString(definition.Name);
        string ns = md.GetString(definition.Namespace);
        // Types the compiler emits without source: <PrivateImplementationDetails>, embedded attributes, etc.
        return name.StartsWith('<') || ns.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
            || ns.StartsWith("System.Runtime.CompilerServices", StringComparison.Ordinal)
            || ns.StartsWith("System.Text.RegularExpressions.Generated", StringComparison.Ordinal)
            || ns.StartsWith("System.Runtime.InteropServices.Marshalling", StringComparison.Ordinal);
    }

    private static IEnumerable<TypeDefinitionHandle> Uses(MetadataReader md, PEReader pe, TypeDefinitionHandle handle, TypeCollector provider)
    {
        var found = new HashSet<TypeDefinitionHandle>();
        TypeDefinition type = md.GetTypeDefinition(handle);
        provider.Add(type.BaseType, found);
        foreach (InterfaceImplementationHandle i in type.GetInterfaceImplementations()) provider.Add(md.GetInterfaceImplementation(i).Interface, found);
        foreach (FieldDefinitionHandle f in type.GetFields()) provider.Collect(md.GetFieldDefinition(f).DecodeSignature(provider, null), found);
        foreach (PropertyDefinitionHandle p in type.GetProperties())
        {
            MethodSignature<IEnumerable<TypeDefinitionHandle>> sig = md.GetPropertyDefinition(p).DecodeSignature(provider, null);
            provider.Collect(sig.ReturnType, found);
            foreach (var parameter in sig.ParameterTypes) provider.Collect(parameter, found);
        }
        foreach (CustomAttributeHandle a in type.GetCustomAttributes()) provider.AddMember(md.GetCustomAttribute(a).Constructor, found);
        foreach (MethodDefinitionHandle m in type.GetMethods())
        {
            MethodDefinition method = md.GetMethodDefinition(m);
            MethodSignature<IEnumerable<TypeDefinitionHandle>> sig = method.DecodeSignature(provider, null);
            provider.Collect(sig.ReturnType, found);
            foreach (var parameter in sig.ParameterTypes) provider.Collect(parameter, found);
            foreach (CustomAttributeHandle a in method.GetCustomAttributes()) provider.AddMember(md.GetCustomAttribute(a).Constructor, found);
            if (method.RelativeVirtualAddress == 0) continue;
            MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                foreach (var local in md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(provider, null)) provider.Collect(local, found);
            }
            foreach (var (_, token) in IlOperands.Tokens(body))
            {
                provider.AddMember(token, found);
            }
        }
        return found;
    }

    /// <summary>Decodes signatures into the type definitions of this assembly they mention.</summary>
    private sealed class TypeCollector : ISignatureTypeProvider<IEnumerable<TypeDefinitionHandle>, object?>
    {
        private static readonly IEnumerable<TypeDefinitionHandle> None = Array.Empty<TypeDefinitionHandle>();
        private readonly MetadataReader _md;

        public TypeCollector(MetadataReader md) => _md = md;

        public void Collect(IEnumerable<TypeDefinitionHandle> types, HashSet<TypeDefinitionHandle> into) => into.UnionWith(types);

        public void Add(EntityHandle type, HashSet<TypeDefinitionHandle> into)
        {
            if (type.IsNil) return;
            switch (type.Kind)
            {
                case HandleKind.TypeDefinition: into.Add((TypeDefinitionHandle)type); break;
                case HandleKind.TypeSpecification: into.UnionWith(_md.GetTypeSpecification((TypeSpecificationHandle)type).DecodeSignature(this, null)); break;
            }
        }

        public void AddMember(EntityHandle member, HashSet<TypeDefinitionHandle> into)
        {
            switch (member.Kind)
            {
                case HandleKind.MethodDefinition:
                    into.Add(_md.GetMethodDefinition((MethodDefinitionHandle)member).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    into.Add(_md.GetFieldDefinition((FieldDefinitionHandle)member).GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                    MemberReference reference = _md.GetMemberReference((MemberReferenceHandle)member);
                    Add(reference.Parent, into);
                    if (reference.GetKind() == MemberReferenceKind.Method)
                    {
                        MethodSignature<IEnumerable<TypeDefinitionHandle>> sig = reference.DecodeMethodSignature(this, null);
                        into.UnionWith(sig.ReturnType);
                        foreach (var p in sig.ParameterTypes) into.UnionWith(p);
                    }
                    else
                    {
                        into.UnionWith(reference.DecodeFieldSignature(this, null));
                    }
                    break;
                case HandleKind.MethodSpecification:
                    MethodSpecification spec = _md.GetMethodSpecification((MethodSpecificationHandle)member);
                    AddMember(spec.Method, into);
                    foreach (var t in spec.DecodeSignature(this, null)) into.UnionWith(t);
                    break;
                default:
                    Add(member, into);
                    break;
            }
        }

        public IEnumerable<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => new[] { handle };
        public IEnumerable<TypeDefinitionHandle> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => None;
        public IEnumerable<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind)
            => reader.GetTypeSpecification(handle).DecodeSignature(this, context);
        public IEnumerable<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => None;
        public IEnumerable<TypeDefinitionHandle> GetSZArrayType(IEnumerable<TypeDefinitionHandle> elementType) => elementType;
        public IEnumerable<TypeDefinitionHandle> GetArrayType(IEnumerable<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;
        public IEnumerable<TypeDefinitionHandle> GetByReferenceType(IEnumerable<TypeDefinitionHandle> elementType) => elementType;
        public IEnumerable<TypeDefinitionHandle> GetPointerType(IEnumerable<TypeDefinitionHandle> elementType) => elementType;
        public IEnumerable<TypeDefinitionHandle> GetPinnedType(IEnumerable<TypeDefinitionHandle> elementType) => elementType;
        public IEnumerable<TypeDefinitionHandle> GetGenericInstantiation(IEnumerable<TypeDefinitionHandle> genericType, ImmutableArray<IEnumerable<TypeDefinitionHandle>> typeArguments)
            => genericType.Concat(typeArguments.SelectMany(t => t)).ToList();
        public IEnumerable<TypeDefinitionHandle> GetGenericMethodParameter(object? genericContext, int index) => None;
        public IEnumerable<TypeDefinitionHandle> GetGenericTypeParameter(object? genericContext, int index) => None;
        public IEnumerable<TypeDefinitionHandle> GetModifiedType(IEnumerable<TypeDefinitionHandle> modifier, IEnumerable<TypeDefinitionHandle> unmodifiedType, bool isRequired) => unmodifiedType;
        public IEnumerable<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<IEnumerable<TypeDefinitionHandle>> signature)
            => signature.ReturnType.Concat(signature.ParameterTypes.SelectMany(p => p)).ToList();
    }
}
