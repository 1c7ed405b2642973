// The formats the Kubernetes API server requires of names, label keys and values, port names and
// numbers and environment variable names, each failure worded as the API server words it
// (apimachinery's util/validation and api/validate/content), so a finding reads like the
// refusal a cluster would give.
#pragma once

#include <QString>
#include <QStringList>

#include <string_view>

namespace launchdeck::kubeapi {

// Each returns the API server's messages for `value`, empty when it is valid. Lengths are counted
// in bytes of UTF-8, as the API server counts them.
QStringList dns1123SubdomainErrors(std::string_view value); // most object names, ≤ 253
QStringList dns1123LabelErrors(std::string_view value);     // Namespace, container names, ≤ 63
QStringList dns1035LabelErrors(std::string_view value);     // Service names
QStringList pathSegmentNameErrors(std::string_view value); // RBAC objects, PersistentVolume(Claim)s
QStringList labelKeyErrors(std::string_view value);        // qualified names: [prefix/]name
QStringList labelValueErrors(std::string_view value);      // ≤ 63, may be empty
QStringList portNameErrors(std::string_view value);        // IANA_SVC_NAME
QStringList portNumberErrors(qint64 value);                // 1-65535
QStringList envVarNameErrors(std::string_view value);
QStringList percentErrors(std::string_view value); // "25%"

// The API server prints a string value with Go's %q.
QString goQuoted(std::string_view value);

// How a field error reads: "<path>: Invalid value: <value>: <detail>" and its siblings.
QString invalidValue(const QString& path, const QString& value, const QString& detail);
QString requiredValue(const QString& path, const QString& detail = {});
QString unsupportedValue(const QString& path, std::string_view value, const QStringList& supported);
QString duplicateValue(const QString& path, std::string_view value);
QString notFound(const QString& path, std::string_view value);
QString forbidden(const QString& path, const QString& detail);
QString tooLong(const QString& path, qint64 maxBytes);

} // namespace launchdeck::kubeapi
