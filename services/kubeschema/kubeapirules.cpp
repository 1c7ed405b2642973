// The API server's rules for every object's metadata (name formats per kind, generateName,
// namespace, labels, annotations) and for label selectors, and the reporter all the rules write
// through. The rules of pod specs and of each kind's spec are in kubeapipod.cpp and
// kubeapiworkloads.cpp.
#include "kubeschema/kubeapirules.h"

#include "core/yamllookup.h"
#include "core/yamlsource.h"
#include "kubeschema/kubeapicheck.h"
#include "kubeschema/kubeapiformat.h"
#include "kubeschema/kubescalar.h"
#include "kubeschema/kubeschema.h"

#include <algorithm>
#include <charconv>

namespace launchdeck {

namespace kubeapi {

namespace {

constexpr qint64 kTotalAnnotationSizeLimit = 256 * 1024;

enum class NameFormat { Subdomain, Label, Dns1035, PathSegment };

QString groupOf(const QString& apiVersion)
{
    const qsizetype slash = apiVersion.indexOf(u'/');
    return slash < 0 ? QString() : apiVersion.left(slash);
}

// Which ValidateNameFunc the API server's registry uses for the kind.
NameFormat nameFormatOf(const QString& group, const QString& kind)
{
    if (group.isEmpty()) {
        if (kind == u"Namespace")
            return NameFormat::Label;
        if (kind == u"Service")
            return NameFormat::Dns1035;
        if (kind == u"PersistentVolume" || kind == u"PersistentVolumeClaim")
            return NameFormat::PathSegment;
    } else if (group == u"apps" && kind == u"StatefulSet") {
        return NameFormat::Label; // its pods' hostnames are the name and an ordinal
    } else if (group == u"rbac.authorization.k8s.io") {
        return NameFormat::PathSegment;
    }
    return NameFormat::Subdomain;
}

// The API server clears metadata.namespace of these instead of checking it.
bool isClusterScoped(const QString& kind)
{
    static const QStringList kinds{
        QStringLiteral("Namespace"),
        QStringLiteral("Node"),
        QStringLiteral("PersistentVolume"),
        QStringLiteral("ClusterRole"),
        QStringLiteral("ClusterRoleBinding"),
        QStringLiteral("StorageClass"),
        QStringLiteral("CSIDriver"),
        QStringLiteral("CSINode"),
        QStringLiteral("VolumeAttachment"),
        QStringLiteral("CustomResourceDefinition"),
        QStringLiteral("APIService"),
        QStringLiteral("PriorityClass"),
        QStringLiteral("RuntimeClass"),
        QStringLiteral("IngressClass"),
        QStringLiteral("MutatingWebhookConfiguration"),
        QStringLiteral("ValidatingWebhookConfiguration"),
        QStringLiteral("ValidatingAdmissionPolicy"),
        QStringLiteral("ValidatingAdmissionPolicyBinding"),
        QStringLiteral("CertificateSigningRequest"),
        QStringLiteral("PodSecurityPolicy"),
        QStringLiteral("FlowSchema"),
        QStringLiteral("PriorityLevelConfiguration"),
        QStringLiteral("ComponentStatus"),
    };
    return kinds.contains(kind);
}

QStringList nameErrors(NameFormat format, std::string_view name, bool prefix)
{
    std::string masked;
    if (prefix && format != NameFormat::PathSegment && name.size() > 1 && name.back() == '-') {
        // As the API server does: a generated suffix follows, so the dash is not the end.
        masked = std::string(name.substr(0, name.size() - 2)) + 'a';
        name = masked;
    }
    switch (format) {
    case NameFormat::Label:
        return dns1123LabelErrors(name);
    case NameFormat::Dns1035:
        return dns1035LabelErrors(name);
    case NameFormat::PathSegment:
        // A prefix is followed by generated characters, so only its content counts.
        if (prefix && (name == "." || name == ".."))
            return {};
        return pathSegmentNameErrors(name);
    case NameFormat::Subdomain:
        break;
    }
    return dns1123SubdomainErrors(name);
}

QString jsonString(std::string_view text)
{
    QString json = QStringLiteral("\"");
    for (const QChar c : QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()))) {
        switch (c.unicode()) {
        case u'"':
            json += QStringLiteral("\\\"");
            break;
        case u'\\':
            json += QStringLiteral("\\\\");
            break;
        case u'\n':
            json += QStringLiteral("\\n");
            break;
        case u'<':
        case u'>':
        case u'&':
            json += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
            break;
        default:
            if (c.unicode() < 0x20)
                json += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
            else
                json += c;
        }
    }
    return json + u'"';
}

QString labelsObject(LabelMap labels)
{
    std::sort(labels.begin(), labels.end());
    QStringList entries;
    for (const auto& [key, value] : labels)
        entries.append(jsonString(key) + u':' + jsonString(value));
    return u'{' + entries.join(u',') + u'}';
}

bool contains(const YAML::Node& values, const std::string& wanted)
{
    if (!values.IsSequence())
        return false;
    for (const YAML::Node& value : values) {
        if (value.IsScalar() && value.Scalar() == wanted)
            return true;
    }
    return false;
}

const std::string* labelValue(const LabelMap& labels, const std::string& key)
{
    for (const auto& [name, value] : labels) {
        if (name == key)
            return &value;
    }
    return nullptr;
}

} // namespace

YAML::Node child(const YAML::Node& node, const char* key)
{
    return yamlChild(node, key);
}

YAML::Node either(const YAML::Node& preferred, const YAML::Node& fallback)
{
    return preferred.IsDefined() ? preferred : fallback;
}

bool isSet(const YAML::Node& node)
{
    return node.IsDefined() && !node.IsNull();
}

std::optional<qint64> integerOf(const YAML::Node& node)
{
    if (!node.IsDefined() || !node.IsScalar() ||
        kubeschema::scalarTypeOf(node) != kubeschema::ScalarType::Integer)
        return std::nullopt;
    std::string_view text = node.Scalar();
    bool negative = false;
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
        base = text[1] == 'x' ? 16 : 8;
        text.remove_prefix(2);
    }
    qint64 value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt; // beyond 64 bits: the schema's concern
    return negative ? -value : value;
}

std::optional<std::string> stringOf(const YAML::Node& node)
{
    if (!node.IsDefined() || !node.IsScalar() ||
        kubeschema::scalarTypeOf(node) != kubeschema::ScalarType::String)
        return std::nullopt;
    return node.Scalar();
}

LabelMap labelMapOf(const YAML::Node& map)
{
    LabelMap labels;
    if (!map.IsMap())
        return labels;
    for (const auto& entry : map) {
        if (entry.first.IsScalar() && entry.second.IsScalar())
            labels.append({entry.first.Scalar(), entry.second.Scalar()});
    }
    return labels;
}

QString labelsJson(LabelMap labels)
{
    return labels.isEmpty() ? QStringLiteral("null") : labelsObject(std::move(labels));
}

QString selectorJson(const YAML::Node& selector)
{
    QStringList parts;
    const LabelMap matchLabels = labelMapOf(child(selector, "matchLabels"));
    if (!matchLabels.isEmpty())
        parts.append(QStringLiteral("\"matchLabels\":") + labelsObject(matchLabels));
    const YAML::Node expressions = child(selector, "matchExpressions");
    if (expressions.IsSequence() && expressions.size() > 0) {
        QStringList items;
        for (const YAML::Node& expression : expressions) {
            QStringList fields;
            for (const char* key : {"key", "operator"}) {
                if (const YAML::Node value = child(expression, key); value.IsScalar())
                    fields.append(jsonString(key) + u':' + jsonString(value.Scalar()));
            }
            const YAML::Node values = child(expression, "values");
            if (values.IsSequence() && values.size() > 0) {
                QStringList texts;
                for (const YAML::Node& value : values)
                    texts.append(jsonString(value.IsScalar() ? value.Scalar() : std::string()));
                fields.append(QStringLiteral("\"values\":[") + texts.join(u',') + u']');
            }
            items.append(u'{' + fields.join(u',') + u'}');
        }
        parts.append(QStringLiteral("\"matchExpressions\":[") + items.join(u',') + u']');
    }
    return u'{' + parts.join(u',') + u'}';
}

bool selectorIsEmpty(const YAML::Node& selector)
{
    const YAML::Node labels = child(selector, "matchLabels");
    const YAML::Node expressions = child(selector, "matchExpressions");
    return !(labels.IsMap() && labels.size() > 0) &&
           !(expressions.IsSequence() && expressions.size() > 0);
}

bool selectorMatches(const YAML::Node& selector, const LabelMap& labels)
{
    for (const auto& [key, value] : labelMapOf(child(selector, "matchLabels"))) {
        const std::string* actual = labelValue(labels, key);
        if (!actual || *actual != value)
            return false;
    }
    const YAML::Node expressions = child(selector, "matchExpressions");
    if (!expressions.IsSequence())
        return true;
    for (const YAML::Node& expression : expressions) {
        const YAML::Node key = child(expression, "key");
        const YAML::Node op = child(expression, "operator");
        if (!key.IsScalar() || !op.IsScalar())
            continue;
        const std::string* actual = labelValue(labels, key.Scalar());
        const YAML::Node values = child(expression, "values");
        const std::string& name = op.Scalar();
        const bool matches = name == "In"             ? actual && contains(values, *actual)
                             : name == "NotIn"        ? !actual || !contains(values, *actual)
                             : name == "Exists"       ? actual != nullptr
                             : name == "DoesNotExist" ? actual == nullptr
                                                      : true;
        if (!matches)
            return false;
    }
    return true;
}

ApiCheck::ApiCheck(const KubeObject& object, Diagnostics& out)
    : m_object(object)
    , m_out(out)
{
    const QString group = groupOf(object.apiVersion);
    m_prefix = QStringLiteral("%1%2 %3 is invalid: ")
                   .arg(object.kind, group.isEmpty() ? QString() : u'.' + group,
                        goQuoted(object.name.toStdString()));
}

void ApiCheck::report(const YAML::Node& at, const QString& rule, const QString& fieldError)
{
    m_out.append(diagnosticAt(m_object.path, at.IsDefined() ? at : m_object.node, Severity::High,
                              rule, m_prefix + fieldError));
}

void ApiCheck::invalidEach(const YAML::Node& at, const QString& rule, const QString& path,
                           const QString& value, const QStringList& messages)
{
    for (const QString& message : messages)
        report(at, rule, invalidValue(path, value, message));
}

void ApiCheck::invalidEach(const YAML::Node& at, const QString& rule, const QString& path,
                           std::string_view value, const QStringList& messages)
{
    if (!messages.isEmpty())
        invalidEach(at, rule, path, goQuoted(value), messages);
}

void ApiCheck::nonNegative(const YAML::Node& map, const char* key, const QString& path)
{
    const YAML::Node node = child(map, key);
    if (const auto value = integerOf(node); value && *value < 0) {
        report(node, QStringLiteral("invalid-value"),
               invalidValue(path, QString::number(*value),
                            QStringLiteral("must be greater than or equal to 0")));
    }
}

void ApiCheck::labels(const YAML::Node& map, const QString& path)
{
    if (!map.IsMap())
        return;
    const QString rule = QStringLiteral("invalid-label");
    for (const auto& entry : map) {
        if (entry.first.IsScalar()) {
            const std::string& key = entry.first.Scalar();
            invalidEach(entry.first, rule, path, key, labelKeyErrors(key));
        }
        if (const auto value = stringOf(entry.second))
            invalidEach(entry.second, rule, path, *value, labelValueErrors(*value));
    }
}

void ApiCheck::annotations(const YAML::Node& map, const QString& path)
{
    if (!map.IsMap())
        return;
    qint64 total = 0;
    for (const auto& entry : map) {
        if (!entry.first.IsScalar())
            continue;
        const std::string& key = entry.first.Scalar();
        std::string lower = key; // case does not matter in annotation keys
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
        invalidEach(entry.first, QStringLiteral("invalid-annotation"), path, key,
                    labelKeyErrors(lower));
        total += static_cast<qint64>(key.size());
        if (entry.second.IsScalar())
            total += static_cast<qint64>(entry.second.Scalar().size());
    }
    if (total > kTotalAnnotationSizeLimit) {
        report(map, QStringLiteral("invalid-annotation"), tooLong(path, kTotalAnnotationSizeLimit));
    }
}

bool ApiCheck::labelSelector(const YAML::Node& selector, const QString& path)
{
    labels(child(selector, "matchLabels"), path + QStringLiteral(".matchLabels"));
    const YAML::Node expressions = child(selector, "matchExpressions");
    if (!expressions.IsSequence())
        return true;
    bool usable = true;
    const QString rule = QStringLiteral("invalid-label");
    int index = 0;
    for (const YAML::Node& expression : expressions) {
        const QString at = QStringLiteral("%1.matchExpressions[%2]").arg(path).arg(index++);
        const YAML::Node op = child(expression, "operator");
        const YAML::Node values = child(expression, "values");
        const bool hasValues = values.IsSequence() && values.size() > 0;
        const std::string name = op.IsScalar() ? op.Scalar() : std::string();
        if (name == "In" || name == "NotIn") {
            if (!hasValues) {
                report(either(values, expression), QStringLiteral("required-value"),
                       requiredValue(at + QStringLiteral(".values"),
                                     QStringLiteral("must be specified when `operator` is 'In' "
                                                    "or 'NotIn'")));
            }
        } else if (name == "Exists" || name == "DoesNotExist") {
            if (hasValues) {
                report(values, QStringLiteral("invalid-value"),
                       forbidden(at + QStringLiteral(".values"),
                                 QStringLiteral("may not be specified when `operator` is "
                                                "'Exists' or 'DoesNotExist'")));
            }
        } else if (op.IsScalar()) {
            usable = false;
            report(op, QStringLiteral("invalid-value"),
                   invalidValue(at + QStringLiteral(".operator"), goQuoted(name),
                                QStringLiteral("not a valid selector operator")));
        }
        if (const YAML::Node key = child(expression, "key"); key.IsScalar()) {
            invalidEach(key, rule, at + QStringLiteral(".key"), key.Scalar(),
                        labelKeyErrors(key.Scalar()));
        }
        if (hasValues) {
            int valueIndex = 0;
            for (const YAML::Node& value : values) {
                const QString valuePath = QStringLiteral("%1.values[%2]").arg(at).arg(valueIndex++);
                if (const auto text = stringOf(value))
                    invalidEach(value, rule, valuePath, *text, labelValueErrors(*text));
            }
        }
    }
    return usable;
}

namespace {

void checkMetadata(ApiCheck& check)
{
    const KubeObject& object = check.object();
    const YAML::Node metadata = child(object.node, "metadata");
    const NameFormat format = nameFormatOf(groupOf(object.apiVersion), object.kind);
    const QString rule = QStringLiteral("invalid-name");
    const YAML::Node generateName = child(metadata, "generateName");
    const auto prefix = stringOf(generateName);
    if (prefix && !prefix->empty()) {
        check.invalidEach(generateName, rule, QStringLiteral("metadata.generateName"), *prefix,
                          nameErrors(format, *prefix, true));
    }
    const YAML::Node nameNode = child(metadata, "name");
    const auto name = stringOf(nameNode);
    if (name && !name->empty()) {
        check.invalidEach(nameNode, rule, QStringLiteral("metadata.name"), *name,
                          nameErrors(format, *name, false));
    } else if ((!isSet(nameNode) || name) && !(prefix && !prefix->empty())) {
        check.report(either(nameNode, metadata), QStringLiteral("required-value"),
                     requiredValue(QStringLiteral("metadata.name"),
                                   QStringLiteral("name or generateName is required")));
    }
    const YAML::Node nameSpace = child(metadata, "namespace");
    if (const auto value = stringOf(nameSpace);
        value && !value->empty() && !isClusterScoped(object.kind)) {
        check.invalidEach(nameSpace, rule, QStringLiteral("metadata.namespace"), *value,
                          dns1123LabelErrors(*value));
    }
    check.labels(child(metadata, "labels"), QStringLiteral("metadata.labels"));
    check.annotations(child(metadata, "annotations"), QStringLiteral("metadata.annotations"));
}

} // namespace

} // namespace kubeapi

void validateKubeApiRules(const KubeObject& object, Diagnostics& out)
{
    if (!object.node.IsMap())
        return;
    const bool builtIn = isBuiltInApiGroup(object.apiVersion);
    if (builtIn && !isKnownKind(object.apiVersion, object.kind))
        return; // unknown-kind says it; nothing else can be known of it
    kubeapi::ApiCheck check(object, out);
    kubeapi::checkMetadata(check);
    if (builtIn)
        kubeapi::checkKindSpec(check);
}

QStringList kubeApiRuleNames()
{
    return {QStringLiteral("invalid-name"),       QStringLiteral("invalid-label"),
            QStringLiteral("invalid-annotation"), QStringLiteral("invalid-value"),
            QStringLiteral("required-value"),     QStringLiteral("duplicate-name"),
            QStringLiteral("not-found"),          QStringLiteral("mismatching-selector")};
}

} // namespace launchdeck
