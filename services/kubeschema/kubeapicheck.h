// Internal to the API server's rules: the reporter that words a finding as the API server's
// refusal, safe walks of user YAML, and the checks each theme file provides.
#pragma once

#include "core/diagnostic.h"
#include "core/kubeobject.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <string>
#include <string_view>

namespace launchdeck::kubeapi {

// yaml-cpp throws when a scalar is subscripted: every walk of user input goes through these.
YAML::Node child(const YAML::Node& node, const char* key); // undefined unless a mapping has it
bool isSet(const YAML::Node& node);                        // defined and not null
// Where a finding about something missing points: the node if present, else its parent.
YAML::Node either(const YAML::Node& preferred, const YAML::Node& fallback);
// The value of an integer scalar; empty for anything else (the schema reports wrong types).
std::optional<qint64> integerOf(const YAML::Node& node);
// The text of a string scalar (quoted, or plain and not a number, boolean or null); empty else.
std::optional<std::string> stringOf(const YAML::Node& node);

class ApiCheck final
{
public:
    ApiCheck(const KubeObject& object, Diagnostics& out);

    const KubeObject& object() const { return m_object; }
    const YAML::Node& root() const { return m_object.node; }

    // Appends `<Kind>.<group> "<name>" is invalid: <fieldError>` at `at`, high.
    void report(const YAML::Node& at, const QString& rule, const QString& fieldError);
    // One finding per message: `<path>: Invalid value: <value>: <message>`.
    void invalidEach(const YAML::Node& at, const QString& rule, const QString& path,
                     const QString& value, const QStringList& messages);
    // The same for text, quoted as Go's %q quotes it (goQuoted()) only when there is a message:
    // most values are valid, and their quoting would be thrown away.
    void invalidEach(const YAML::Node& at, const QString& rule, const QString& path,
                     std::string_view value, const QStringList& messages);

    // `map[key]` must be an integer of at least 0 when set.
    void nonNegative(const YAML::Node& map, const char* key, const QString& path);

    // Label maps (metadata.labels, template labels, nodeSelector, a Service's selector).
    void labels(const YAML::Node& map, const QString& path);
    void annotations(const YAML::Node& map, const QString& path);
    // matchLabels and matchExpressions. Returns false when the selector cannot be evaluated.
    bool labelSelector(const YAML::Node& selector, const QString& path);

private:
    const KubeObject& m_object;
    Diagnostics& m_out;
    QString m_prefix;
};

// Labels as written, for matching selectors and for printing as the API server does.
using LabelMap = QList<std::pair<std::string, std::string>>;
LabelMap labelMapOf(const YAML::Node& map);
// Go's JSON of a map[string]string: keys sorted, "null" when there is none.
QString labelsJson(LabelMap labels);
// Go's JSON of a LabelSelector: {"matchLabels":{...},"matchExpressions":[...]}.
QString selectorJson(const YAML::Node& selector);
bool selectorMatches(const YAML::Node& selector, const LabelMap& labels);
bool selectorIsEmpty(const YAML::Node& selector);

// A pod template: its labels and annotations (at `path`.labels, as the API server names them),
// and its pod spec.
void checkPodTemplate(ApiCheck& check, const YAML::Node& podTemplate, const QString& path);
// The labels and annotations of a pod template, without its spec (what StatefulSets get).
void checkPodTemplateMetadata(ApiCheck& check, const YAML::Node& podTemplate, const QString& path);
void checkPodSpec(ApiCheck& check, const YAML::Node& spec, const QString& path);

// The rules of each kind's spec: apps, batch, autoscaling and Services.
void checkKindSpec(ApiCheck& check);

} // namespace launchdeck::kubeapi
