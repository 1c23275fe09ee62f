using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Defs = System.Collections.Immutable.ImmutableHashSet<System.Reflection.Metadata.TypeDefinitionHandle>;
using Used = System.Collections.Generic.HashSet<System.Reflection.Metadata.TypeDefinitionHandle>;

namespace VaultMesh.Core.Tests.Architecture;

/// <summary>One use of a type by another type of the same assembly (full names, nested types with '+').</summary>
public sealed record TypeEdge(string From, string FromNamespace, string To, string ToNamespace);

/// <summary>
/// Every type-to-type use inside one assembly, read from its metadata: base types, interfaces,
/// generic constraints, fields, properties, events, method signatures, locals, catch clauses,
/// attributes and every token in every method body. Compiler-generated types (lambdas' closures,
/// async and iterator state machines) are ordinary nested types here, so their uses count too.
/// </summary>
public static class TypeDependencyScanner
{
    public static IReadOnlyList<TypeEdge> Scan(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var md = pe.GetMetadataReader();
        var provider = new DefinitionCollector(md);
        var edges = new HashSet<TypeEdge>();
        foreach (var typeHandle in md.TypeDefinitions)
        {
            var used = new Used();
            CollectType(md, pe, provider, typeHandle, used);
            var (from, fromNs) = Name(md, typeHandle);
            foreach (var target in used.Where(t => t != typeHandle))
            {
                var (to, toNs) = Name(md, target);
                edges.Add(new TypeEdge(from, fromNs, to, toNs));
            }
        }
        return edges.ToList();
    }

    /// <summary>The full name and the namespace of the outermost declaring type.</summary>
    private static (string Name, string Namespace) Name(MetadataReader md, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            var (outer, ns) = Name(md, declaring);
            return (outer + "+" + md.GetString(type.Name), ns);
        }
        var nsName = md.GetString(type.Namespace);
        var simple = md.GetString(type.Name);
        return (nsName.Length == 0 ? simple : nsName + "." + simple, nsName);
    }

    private static void CollectType(
        MetadataReader md, PEReader pe, DefinitionCollector p, TypeDefinitionHandle handle, Used used)
    {
        var type = md.GetTypeDefinition(handle);
        if (!type.BaseType.IsNil) AddType(md, p, type.BaseType, used);
        foreach (var i in type.GetInterfaceImplementations())
        {
            AddType(md, p, md.GetInterfaceImplementation(i).Interface, used);
        }
        AddGenericParameters(md, p, type.GetGenericParameters(), used);
        AddAttributes(md, p, type.GetCustomAttributes(), used);
        foreach (var f in type.GetFields())
        {
            var field = md.GetFieldDefinition(f);
            used.UnionWith(field.DecodeSignature(p, null));
            AddAttributes(md, p, field.GetCustomAttributes(), used);
        }
        foreach (var pr in type.GetProperties())
        {
            var property = md.GetPropertyDefinition(pr);
            AddSignature(property.DecodeSignature(p, null), used);
            AddAttributes(md, p, property.GetCustomAttributes(), used);
        }
        foreach (var e in type.GetEvents())
        {
            var ev = md.GetEventDefinition(e);
            AddType(md, p, ev.Type, used);
            AddAttributes(md, p, ev.GetCustomAttributes(), used);
        }
        foreach (var m in type.GetMethods()) CollectMethod(md, pe, p, m, used);
    }

    private static void CollectMethod(
        MetadataReader md, PEReader pe, DefinitionCollector p, MethodDefinitionHandle handle, Used used)
    {
        var method = md.GetMethodDefinition(handle);
        AddSignature(method.DecodeSignature(p, null), used);
        AddGenericParameters(md, p, method.GetGenericParameters(), used);
        AddAttributes(md, p, method.GetCustomAttributes(), used);
        foreach (var param in method.GetParameters())
        {
            AddAttributes(md, p, md.GetParameter(param).GetCustomAttributes(), used);
        }
        if (method.RelativeVirtualAddress == 0) return;
        var body = pe.GetMethodBody(method.RelativeVirtualAddress);
        if (!body.LocalSignature.IsNil)
        {
            foreach (var local in md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(p, null))
                used.UnionWith(local);
        }
        foreach (var region in body.ExceptionRegions)
        {
            if (!region.CatchType.IsNil) AddType(md, p, region.CatchType, used);
        }
        foreach (var (_, token) in IlTokens.Of(body.GetILReader()))
        {
            AddToken(md, p, token, used);
        }
    }

    private static void AddToken(MetadataReader md, DefinitionCollector p, EntityHandle token, Used used)
    {
        switch (token.Kind)
        {
            case HandleKind.TypeDefinition or HandleKind.TypeReference or HandleKind.TypeSpecification:
                AddType(md, p, token, used); break;
            case HandleKind.FieldDefinition:
                var field = md.GetFieldDefinition((FieldDefinitionHandle)token);
                used.Add(field.GetDeclaringType());
                used.UnionWith(field.DecodeSignature(p, null));
                break;
            case HandleKind.MethodDefinition:
                var method = md.GetMethodDefinition((MethodDefinitionHandle)token);
                used.Add(method.GetDeclaringType());
                AddSignature(method.DecodeSignature(p, null), used);
                break;
            case HandleKind.MemberReference:
                var member = md.GetMemberReference((MemberReferenceHandle)token);
                AddToken(md, p, member.Parent, used);
                if (member.GetKind() == MemberReferenceKind.Field) used.UnionWith(member.DecodeFieldSignature(p, null));
                else AddSignature(member.DecodeMethodSignature(p, null), used);
                break;
            case HandleKind.MethodSpecification:
                var spec = md.GetMethodSpecification((MethodSpecificationHandle)token);
                AddToken(md, p, spec.Method, used);
                foreach (var arg in spec.DecodeSignature(p, null)) used.UnionWith(arg);
                break;
            case HandleKind.StandaloneSignature:
                var standalone = md.GetStandaloneSignature((StandaloneSignatureHandle)token);
                AddSignature(standalone.DecodeMethodSignature(p, null), used);
                break;
        }
    }

    private static void AddType(MetadataReader md, DefinitionCollector p, EntityHandle handle, Used used)
    {
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition: used.Add((TypeDefinitionHandle)handle); break;
            case HandleKind.TypeSpecification:
                used.UnionWith(md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(p, null));
                break;
        }
    }

    private static void AddSignature(MethodSignature<Defs> signature, Used used)
    {
        used.UnionWith(signature.ReturnType);
        foreach (var parameter in signature.ParameterTypes) used.UnionWith(parameter);
    }

    private static void AddGenericParameters(
        MetadataReader md, DefinitionCollector p, GenericParameterHandleCollection parameters, Used used)
    {
        foreach (var g in parameters)
        {
            var parameter = md.GetGenericParameter(g);
            foreach (var c in parameter.GetConstraints())
            {
                AddType(md, p, md.GetGenericParameterConstraint(c).Type, used);
            }
            AddAttributes(md, p, parameter.GetCustomAttributes(), used);
        }
    }

    private static void AddAttributes(
        MetadataReader md, DefinitionCollector p, CustomAttributeHandleCollection attributes, Used used)
    {
        foreach (var a in attributes) AddToken(md, p, md.GetCustomAttribute(a).Constructor, used);
    }

    /// <summary>Decodes a signature into the set of this assembly's type definitions it names.</summary>
    private sealed class DefinitionCollector(MetadataReader md)
        : ISignatureTypeProvider<Defs, object?>
    {
        private static readonly Defs None = Defs.Empty;

        public Defs GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
            => None.Add(handle);
        public Defs GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => None;
        public Defs GetTypeFromSpecification(
            MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
            => md.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
        public Defs GetPrimitiveType(PrimitiveTypeCode typeCode) => None;
        public Defs GetGenericMethodParameter(object? genericContext, int index) => None;
        public Defs GetGenericTypeParameter(object? genericContext, int index) => None;
        public Defs GetSZArrayType(Defs elementType) => elementType;
        public Defs GetArrayType(Defs elementType, ArrayShape shape) => elementType;
        public Defs GetByReferenceType(Defs elementType) => elementType;
        public Defs GetPointerType(Defs elementType) => elementType;
        public Defs GetPinnedType(Defs elementType) => elementType;
        public Defs GetModifiedType(
            Defs modifier, Defs unmodifiedType, bool isRequired)
            => modifier.Union(unmodifiedType);
        public Defs GetGenericInstantiation(
            Defs genericType, ImmutableArray<Defs> typeArguments)
            => typeArguments.Aggregate(genericType, (all, a) => all.Union(a));
        public Defs GetFunctionPointerType(MethodSignature<Defs> signature)
            => signature.ParameterTypes.Aggregate(signature.ReturnType, (all, a) => all.Union(a));
    }
}
