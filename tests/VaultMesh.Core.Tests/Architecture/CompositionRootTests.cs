using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

using VaultMesh.Core.Tests.Schemas;

namespace VaultMesh.Core.Tests.Architecture;

/// <summary>
/// Pins docs/architecture.md, "Service wiring": ProfileServices is the one place that builds core
/// services over a store, so no cmdlet calls a constructor of a VaultMesh.Core type that takes a
/// VaultStore. Reads the compiled cmdlet assembly's IL as metadata; nothing of it is loaded.
/// </summary>
public class CompositionRootTests
{
    private const string StoreType = "VaultMesh.Core.Store.VaultStore";

    [Fact]
    public void No_cmdlet_builds_a_core_service_over_a_store()
    {
        var calls = CoreConstructorCalls();
        var offending = calls.Where(c => c.Parameters.Contains(StoreType)).Select(c => $"{c.Caller} builds {c.Type}").Distinct().ToList();
        Assert.True(offending.Count == 0, "ask ProfileServices instead: " + string.Join("; ", offending));
    }

    [Fact]
    public void The_scan_sees_the_core_constructors_cmdlets_do_call()
    {
        var calls = CoreConstructorCalls();
        Assert.True(calls.Count > 20, $"only {calls.Count} core constructor calls found");
        Assert.Contains(calls, c => c.Type == "VaultMesh.Core.Services.ProfileServices"
            && c.Parameters.SequenceEqual(["VaultMesh.Core.Configuration.VaultMeshContext"]));
        Assert.Contains(calls, c => c.Type == "VaultMesh.Core.Errors.VaultMeshException");
    }

    private sealed record CoreConstructorCall(string Caller, string Type, ImmutableArray<string> Parameters);

    private static List<CoreConstructorCall> CoreConstructorCalls()
    {
        using var pe = new PEReader(File.OpenRead(CmdletAssemblyPath()));
        var md = pe.GetMetadataReader();
        var calls = new List<CoreConstructorCall>();
        foreach (var handle in md.MethodDefinitions)
        {
            var method = md.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }
            var caller = OuterTypeName(md, method.GetDeclaringType());
            var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader();
            foreach (var (_, token) in IlTokens.Of(il).Where(t => t.Code == OpCodes.Newobj))
            {
                if (CoreConstructor(md, token) is { } call)
                {
                    calls.Add(call with { Caller = caller });
                }
            }
        }
        return calls;
    }

    private static CoreConstructorCall? CoreConstructor(MetadataReader md, EntityHandle token)
    {
        if (token.Kind != HandleKind.MemberReference)
        {
            return null; // a constructor of the cmdlet assembly itself
        }
        var member = md.GetMemberReference((MemberReferenceHandle)token);
        if (member.Parent.Kind != HandleKind.TypeReference)
        {
            return null; // constructed generic types: none is a core service
        }
        var type = md.GetTypeReference((TypeReferenceHandle)member.Parent);
        if (AssemblyOf(md, type) != "VaultMesh.Core")
        {
            return null;
        }
        var signature = member.DecodeMethodSignature(new TypeNames(md), null);
        return new CoreConstructorCall("", TypeName(md, type), signature.ParameterTypes);
    }

    private static string? AssemblyOf(MetadataReader md, TypeReference type) => type.ResolutionScope.Kind switch
    {
        HandleKind.AssemblyReference => md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name),
        HandleKind.TypeReference => AssemblyOf(md, md.GetTypeReference((TypeReferenceHandle)type.ResolutionScope)),
        _ => null,
    };

    private static string TypeName(MetadataReader md, TypeReference type) =>
        type.ResolutionScope.Kind == HandleKind.TypeReference
            ? TypeName(md, md.GetTypeReference((TypeReferenceHandle)type.ResolutionScope)) + "+" + md.GetString(type.Name)
            : md.GetString(type.Namespace) + "." + md.GetString(type.Name);

    // Lambdas and iterators compile into nested types: the caller is the cmdlet that holds them.
    private static string OuterTypeName(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        while (!type.GetDeclaringType().IsNil)
        {
            type = md.GetTypeDefinition(type.GetDeclaringType());
        }
        return md.GetString(type.Name);
    }

    private static string CmdletAssemblyPath()
    {
        // <repo>/tests/VaultMesh.Core.Tests/bin/<configuration>/<tfm>/: the cmdlets build beside it.
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = output.Parent!.Name;
        var path = Path.Combine(Fixtures.RepoRoot, "src", "VaultMesh.PowerShell", "bin", configuration, "net8.0", "VaultMesh.PowerShell.dll");
        Assert.True(File.Exists(path), $"cmdlet assembly not built at {path}");
        return path;
    }

    // Names of parameter types, enough to tell a VaultStore from anything else.
    private sealed class TypeNames(MetadataReader md) : ISignatureTypeProvider<string, object?>
    {
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            md.GetString(md.GetTypeDefinition(handle).Namespace) + "." + md.GetString(md.GetTypeDefinition(handle).Name);
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
            TypeName(md, md.GetTypeReference(handle));
        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            md.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
        public string GetSZArrayType(string elementType) => elementType + "[]";
        public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[,]";
        public string GetByReferenceType(string elementType) => elementType + "&";
        public string GetPointerType(string elementType) => elementType + "*";
        public string GetPinnedType(string elementType) => elementType;
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) =>
            genericType + "<" + string.Join(",", typeArguments) + ">";
        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
    }
}
