// Walks one Kubernetes object against the generated schema tables and reports unknown fields,
// wrong types and missing required fields, each at its node. Internal to kubeschema.
#pragma once

#include "core/diagnostic.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string_view>

namespace launchdeck::kubeschema {

class StructureWalker final
{
public:
    StructureWalker(const QString& path, Diagnostics& out);

    // `type` indexes data::kTypeRefs; the object's root is walked with an empty field path.
    void walk(const YAML::Node& node, std::uint16_t type);

private:
    // The field path is a chain of frames on the stack, turned into text only for a finding.
    struct Step
    {
        const Step* parent;
        std::string_view key; // a field or map key; empty for a list item
        int index;            // the list index, or -1
        bool isMapKey;
    };

    void walkValue(const YAML::Node& node, std::uint16_t type, const Step* at);
    void walkModel(const YAML::Node& node, std::uint16_t model, const Step* at);
    void reportMissing(const YAML::Node& node, std::uint16_t model, std::uint64_t missing,
                       const Step* at);
    void reportWrongType(const YAML::Node& node, std::uint16_t type, const Step* at);
    void reportUnknownField(const YAML::Node& key, std::uint16_t model, const Step* at);

    // "spec.template.spec.containers[0].image", "metadata.labels[\"app.kubernetes.io/name\"]".
    static QString pathText(const Step* at);

    const QString& m_path;
    Diagnostics& m_out;
};

} // namespace launchdeck::kubeschema
