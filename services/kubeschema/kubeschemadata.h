// The shape of the Kubernetes schema and API lifecycle tables that generate_kube_schema.py writes
// at build time from the npm package kubernetes-types and apilifecycle.txt. Internal to
// kubeschema; others use kubeschema.h and kubeapilifecycle.h.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>

namespace launchdeck::kubeschema::data {

enum class ValueKind : std::uint8_t {
    String,
    Quantity, // a string such as "500m" or "1Gi", or a plain number
    Integer,
    Float,
    Boolean,
    DateTime,    // an RFC 3339 string
    IntOrString, // a port number or name, a count or a percentage
    Any,         // free-form JSON
    Model,       // target: index into kModels
    List,        // target: index into kTypeRefs of the element type
    Map,         // target: index into kTypeRefs of the value type
};

struct TypeRef
{
    ValueKind kind;
    std::uint16_t target;
};

struct Field
{
    std::string_view jsonName;
    std::uint16_t type; // index into kTypeRefs
};

struct Model
{
    std::string_view name;      // the kind-style name, e.g. "DeploymentSpec"
    std::uint16_t firstField;   // its fields are kFields[firstField, firstField + fieldCount),
    std::uint16_t fieldCount;   // sorted by JSON name
    std::uint64_t requiredMask; // bit i: the i-th field of the model is required
};

struct Resource
{
    std::string_view apiVersion;
    std::string_view kind;
    std::uint16_t type;     // index into kTypeRefs of the object's model
    std::int16_t lifecycle; // index into kLifecycles (a List kind: its item kind's), or -1
};

// When a Kubernetes 1.x release first served an API and when one stopped serving it.
struct Lifecycle
{
    std::string_view apiVersion;
    std::string_view kind;
    std::uint8_t since;          // the minor release that first served it; 0: before 1.16
    std::uint8_t removed;        // the minor release that no longer serves it; 0: still served
    std::string_view useInstead; // "use policy/v1"; empty while served
};

extern const std::string_view kSchemaVersion; // the Kubernetes release the types describe
extern const int kSchemaMinor;                // its minor release, 30 for 1.30
extern const std::span<const TypeRef> kTypeRefs;
extern const std::span<const Field> kFields;
extern const std::span<const Model> kModels;
extern const std::span<const Resource> kResources;   // sorted by apiVersion, then kind
extern const std::span<const Lifecycle> kLifecycles; // sorted by apiVersion, then kind

// The position of `jsonName` among the model's fields, or -1.
inline int fieldIndex(const Model& model, std::string_view jsonName)
{
    const auto begin = kFields.begin() + model.firstField;
    const auto end = begin + model.fieldCount;
    const auto found =
        std::lower_bound(begin, end, jsonName, [](const Field& field, std::string_view name) {
            return field.jsonName < name;
        });
    if (found == end || found->jsonName != jsonName)
        return -1;
    return static_cast<int>(found - begin);
}

} // namespace launchdeck::kubeschema::data
