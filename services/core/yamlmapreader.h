// Reading a YAML mapping into typed values: wrong types and unknown keys become diagnostics at
// their line and column, with a "did you mean" for near misses.
#pragma once

#include "core/diagnostic.h"
#include "core/units.h"

#include <QStringList>

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <optional>
#include <vector>

namespace launchdeck {

class YamlMapReader final
{
public:
    // `what` names the mapping in messages, e.g. "application 'web'".
    YamlMapReader(const YAML::Node& node, const QString& path, const QString& what,
                  Diagnostics& out);

    bool isMap() const { return m_isMap; }
    const YAML::Node& node() const { return m_node; }
    const QString& path() const { return m_path; }
    Diagnostics& diagnostics() { return m_out; }

    bool has(const char* key) const;
    // The value under `key` (an invalid node when absent); marks the key as known.
    YAML::Node take(const char* key);
    // Reports a missing required key at the mapping's position.
    YAML::Node require(const char* key);

    std::optional<QString> string(const char* key, bool required = false);
    std::optional<qint64> integer(const char* key, qint64 min, qint64 max, bool required = false);
    std::optional<bool> boolean(const char* key);
    std::optional<std::chrono::milliseconds> duration(const char* key, bool required = false);
    std::optional<Quantity> quantity(const char* key);
    // One of `allowed`; anything else is an error listing the allowed values.
    std::optional<QString> oneOf(const char* key, const QStringList& allowed,
                                 bool required = false);
    QStringList stringList(const char* key);
    // A mapping of strings to strings (environment variables, labels).
    QList<std::pair<QString, QString>> stringMap(const char* key);

    // Reports every key that no take() asked for. Call once, after reading.
    void finish();

    void error(const YAML::Node& at, const QString& rule, const QString& message,
               Severity severity = Severity::High);

private:
    template <typename T, typename Parse>
    std::optional<T> typed(const char* key, bool required, Parse parse, const QString& rule,
                           const QString& what, const QString& example);

    YAML::Node m_node;
    QString m_path;
    QString m_what;
    Diagnostics& m_out;
    std::vector<std::string> m_taken;
    bool m_isMap = false;
};

// Scalar conversions usable on any node; they report at the node and return nullopt on error.
std::optional<QString> yamlString(const YAML::Node& node, const QString& path, const QString& what,
                                  Diagnostics& out);
std::optional<qint64> yamlInteger(const YAML::Node& node, const QString& path, const QString& what,
                                  Diagnostics& out);
std::optional<bool> yamlBoolean(const YAML::Node& node, const QString& path, const QString& what,
                                Diagnostics& out);

// The closest of `candidates` to `word` within a small edit distance, or an empty string.
QString closestMatch(const QString& word, const QStringList& candidates);

} // namespace launchdeck
