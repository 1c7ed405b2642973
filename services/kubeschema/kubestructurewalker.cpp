// The hot loop of Kubernetes structural validation. Keys are compared as the std::string that
// yaml-cpp holds against the generated tables; no QString is made unless something is wrong.
#include "kubeschema/kubestructurewalker.h"

#include "core/yamlmapreader.h"
#include "core/yamlsource.h"
#include "kubeschema/kubescalar.h"
#include "kubeschema/kubeschemadata.h"

#include <QStringList>

#include <algorithm>
#include <bit>
#include <vector>

namespace launchdeck::kubeschema {

namespace {

using data::fieldIndex;
using data::kFields;
using data::kModels;
using data::kTypeRefs;
using data::ValueKind;

QString fromView(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

// The key node of `name` in a mapping, or an invalid node. (Assigning yaml-cpp nodes rebinds
// the tree, hence a function returning a fresh node.)
YAML::Node keyNamed(const YAML::Node& mapping, std::string_view name)
{
    for (const auto& entry : mapping) {
        if (entry.first.IsScalar() && entry.first.Scalar() == name)
            return entry.first;
    }
    return YAML::Node(YAML::NodeType::Undefined);
}

bool isSimpleKey(std::string_view key)
{
    if (key.empty())
        return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
    });
}

QString expectedName(std::uint16_t type)
{
    const data::TypeRef ref = kTypeRefs[type];
    switch (ref.kind) {
    case ValueKind::String:
        return QStringLiteral("a string");
    case ValueKind::Quantity:
        return QStringLiteral("a quantity (a number or a string such as \"500m\" or \"1Gi\")");
    case ValueKind::Integer:
        return QStringLiteral("an integer");
    case ValueKind::Float:
        return QStringLiteral("a number");
    case ValueKind::Boolean:
        return QStringLiteral("a boolean (true or false)");
    case ValueKind::DateTime:
        return QStringLiteral("a date-time string");
    case ValueKind::IntOrString:
        return QStringLiteral("an integer or a string");
    case ValueKind::Any:
        return QStringLiteral("a value");
    case ValueKind::Model:
        return QStringLiteral("a mapping (%1)").arg(fromView(kModels[ref.target].name));
    case ValueKind::List:
        return QStringLiteral("a list");
    case ValueKind::Map:
        break;
    }
    return QStringLiteral("a mapping");
}

QString shown(const std::string& text)
{
    constexpr qsizetype limit = 40;
    QString value = QString::fromStdString(text);
    if (value.size() > limit)
        value = value.left(limit) + u"…";
    return value;
}

QString actualName(const YAML::Node& node)
{
    if (node.IsSequence())
        return QStringLiteral("a list");
    if (node.IsMap())
        return QStringLiteral("a mapping");
    switch (scalarTypeOf(node)) {
    case ScalarType::Null:
        return QStringLiteral("null");
    case ScalarType::Boolean:
        return QStringLiteral("the boolean %1").arg(shown(node.Scalar()));
    case ScalarType::Integer:
    case ScalarType::Float:
        return QStringLiteral("the number %1").arg(shown(node.Scalar()));
    case ScalarType::String:
        break;
    }
    if (node.Tag() == "!")
        return QStringLiteral("the string \"%1\"").arg(shown(node.Scalar()));
    return u'\'' + shown(node.Scalar()) + u'\'';
}

bool scalarFits(ValueKind kind, ScalarType scalar)
{
    switch (kind) {
    case ValueKind::String:
    case ValueKind::DateTime:
        return scalar == ScalarType::String;
    case ValueKind::Quantity:
        return scalar == ScalarType::String || scalar == ScalarType::Integer ||
               scalar == ScalarType::Float;
    case ValueKind::Integer:
        return scalar == ScalarType::Integer;
    case ValueKind::Float:
        return scalar == ScalarType::Integer || scalar == ScalarType::Float;
    case ValueKind::Boolean:
        return scalar == ScalarType::Boolean;
    case ValueKind::IntOrString:
        return scalar == ScalarType::Integer || scalar == ScalarType::String;
    case ValueKind::Any:
        return true;
    case ValueKind::Model:
    case ValueKind::List:
    case ValueKind::Map:
        break;
    }
    return false;
}

} // namespace

StructureWalker::StructureWalker(const QString& path, Diagnostics& out)
    : m_path(path)
    , m_out(out)
{}

void StructureWalker::walk(const YAML::Node& node, std::uint16_t type)
{
    walkValue(node, type, nullptr);
}

void StructureWalker::walkValue(const YAML::Node& node, std::uint16_t type, const Step* at)
{
    // A null is what an empty `key:` gives; the API server reads it as "not set".
    if (node.IsNull())
        return;
    const data::TypeRef ref = kTypeRefs[type];
    switch (ref.kind) {
    case ValueKind::Model:
        if (node.IsMap())
            walkModel(node, ref.target, at);
        else
            reportWrongType(node, type, at);
        return;
    case ValueKind::List:
        if (!node.IsSequence()) {
            reportWrongType(node, type, at);
            return;
        }
        {
            int index = 0;
            for (const YAML::Node& item : node) {
                const Step step{at, {}, index++, false};
                walkValue(item, ref.target, &step);
            }
        }
        return;
    case ValueKind::Map:
        if (!node.IsMap()) {
            reportWrongType(node, type, at);
            return;
        }
        for (const auto& entry : node) {
            const Step step{at,
                            entry.first.IsScalar() ? std::string_view(entry.first.Scalar())
                                                   : std::string_view(),
                            -1, true};
            walkValue(entry.second, ref.target, &step);
        }
        return;
    case ValueKind::Any:
        return;
    case ValueKind::String:
    case ValueKind::Quantity:
    case ValueKind::Integer:
    case ValueKind::Float:
    case ValueKind::Boolean:
    case ValueKind::DateTime:
    case ValueKind::IntOrString:
        break;
    }
    if (!node.IsScalar() || !scalarFits(ref.kind, scalarTypeOf(node)))
        reportWrongType(node, type, at);
}

void StructureWalker::walkModel(const YAML::Node& node, std::uint16_t modelIndex, const Step* at)
{
    const data::Model& model = kModels[modelIndex];
    std::uint64_t seen = 0;
    for (const auto& entry : node) {
        const YAML::Node& key = entry.first;
        if (!key.IsScalar()) {
            reportUnknownField(key, modelIndex, at);
            continue;
        }
        const std::string& name = key.Scalar();
        const int index = fieldIndex(model, name);
        if (index < 0) {
            reportUnknownField(key, modelIndex, at);
            continue;
        }
        const YAML::Node& value = entry.second;
        if (value.IsNull())
            continue;
        seen |= std::uint64_t{1} << index;
        const Step step{at, name, -1, false};
        walkValue(value, kFields[model.firstField + static_cast<size_t>(index)].type, &step);
    }
    if (const std::uint64_t missing = model.requiredMask & ~seen; missing != 0)
        reportMissing(node, modelIndex, missing, at);
}

void StructureWalker::reportMissing(const YAML::Node& node, std::uint16_t modelIndex,
                                    std::uint64_t missing, const Step* at)
{
    const data::Model& model = kModels[modelIndex];
    for (std::uint64_t bits = missing; bits != 0; bits &= bits - 1) {
        const int index = std::countr_zero(bits);
        const std::string_view name =
            kFields[model.firstField + static_cast<size_t>(index)].jsonName;
        const Step step{at, name, -1, false};
        // A key written with no value is reported where it stands; an absent one at its mapping.
        if (const YAML::Node key = keyNamed(node, name); key.IsDefined()) {
            m_out.append(diagnosticAt(
                m_path, key, Severity::High, QStringLiteral("missing-field"),
                QStringLiteral("%1 is required and must not be empty").arg(pathText(&step))));
        } else {
            m_out.append(
                diagnosticAt(m_path, node, Severity::High, QStringLiteral("missing-field"),
                             QStringLiteral("%1 is required (%2 has no '%3')")
                                 .arg(pathText(&step), fromView(model.name), fromView(name))));
        }
    }
}

void StructureWalker::reportWrongType(const YAML::Node& node, std::uint16_t type, const Step* at)
{
    QString message = QStringLiteral("%1 must be %2, not %3")
                          .arg(at ? pathText(at) : QStringLiteral("the object"), expectedName(type),
                               actualName(node));
    const ValueKind kind = kTypeRefs[type].kind;
    if ((kind == ValueKind::String || kind == ValueKind::DateTime) && node.IsScalar())
        message += QStringLiteral("; quote it to make it a string");
    m_out.append(diagnosticAt(m_path, node, Severity::High, QStringLiteral("wrong-type"), message));
}

void StructureWalker::reportUnknownField(const YAML::Node& key, std::uint16_t modelIndex,
                                         const Step* at)
{
    const data::Model& model = kModels[modelIndex];
    if (!key.IsScalar()) {
        m_out.append(
            diagnosticAt(m_path, key, Severity::High, QStringLiteral("unknown-field"),
                         QStringLiteral("%1 has a %2 as a key; field names are strings")
                             .arg(at ? pathText(at) : fromView(model.name), yamlKindName(key))));
        return;
    }
    const Step step{at, key.Scalar(), -1, false};
    QString message = QStringLiteral("unknown field %1 (%2 has no field '%3')")
                          .arg(pathText(&step), fromView(model.name), yamlText(key));
    QStringList candidates;
    candidates.reserve(model.fieldCount);
    for (size_t i = 0; i < model.fieldCount; ++i)
        candidates.append(fromView(kFields[model.firstField + i].jsonName));
    if (const QString suggestion = closestMatch(yamlText(key), candidates); !suggestion.isEmpty())
        message += QStringLiteral("; did you mean '%1'?").arg(suggestion);
    m_out.append(
        diagnosticAt(m_path, key, Severity::High, QStringLiteral("unknown-field"), message));
}

QString StructureWalker::pathText(const Step* at)
{
    std::vector<const Step*> steps;
    for (const Step* step = at; step; step = step->parent)
        steps.push_back(step);
    QString text;
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
        const Step* step = *it;
        if (step->index >= 0) {
            text += u'[' + QString::number(step->index) + u']';
        } else if (step->isMapKey && !isSimpleKey(step->key)) {
            text += QStringLiteral("[\"%1\"]").arg(fromView(step->key));
        } else {
            if (!text.isEmpty())
                text += u'.';
            text += fromView(step->key);
        }
    }
    return text;
}

} // namespace launchdeck::kubeschema
