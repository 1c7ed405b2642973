// The text forms of a live Kubernetes object for the cluster view: YAML written from the JSON
// the API server served (as `kubectl get -o yaml` shows it), managedFields folded away, Secret
// values masked, and a line diff of two such texts for the Drift view.
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace launchdeck::clusteryaml {

// Block-style YAML of `value`, keys in the JSON's (sorted) order, strings quoted where a YAML
// reader would misread them. Ends with a newline unless empty.
QString toYaml(const QJsonValue& value);

// The object without metadata.managedFields.
QJsonObject withoutManagedFields(QJsonObject object);

// For a Secret: every value of data and stringData, and the last-applied annotation (which
// holds them too), replaced by a mask. Other kinds are returned as they are.
QJsonObject maskedSecret(QJsonObject object);
QString maskText();

// `live` reduced to the fields `desired` sets: mappings keep the desired keys, lists of named
// items (containers, ports, env) pair items by name and keep live items the manifest lacks.
QJsonValue restrictTo(const QJsonValue& live, const QJsonValue& desired);

struct DiffLine
{
    enum class Op { Same, Removed, Added }; // Removed: only in the first text
    Op op = Op::Same;
    QString text;
};

// A longest-common-subsequence diff of two texts' lines.
QList<DiffLine> lineDiff(const QStringList& before, const QStringList& after);

} // namespace launchdeck::clusteryaml
