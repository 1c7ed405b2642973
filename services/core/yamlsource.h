// Loading YAML safely: size, encoding, tabs, syntax, duplicate keys, nesting depth and alias
// expansion are all checked, each finding placed at its line and column.
#pragma once

#include "core/diagnostic.h"

#include <QByteArray>
#include <QString>

#include <yaml-cpp/yaml.h>

namespace launchdeck {

struct YamlLimits
{
    qint64 maxBytes = 32 * 1024 * 1024;
    int maxDepth = 256;
    qint64 maxNodes = 2'000'000; // counted with aliases expanded: an alias bomb stops here
};

struct YamlDocument
{
    YAML::Node root;
    int index = 0; // position of the document in a multi-document file
};

struct YamlFile
{
    QString path;
    QList<YamlDocument> documents;
    bool readable = false; // false: the file could not be read or parsed at all
};

// Reads and parses `path`; every problem found is appended to `out`.
YamlFile loadYamlFile(const QString& path, Diagnostics& out, const YamlLimits& limits = {});
// Same, for text already in memory (an editor buffer); `path` names it in diagnostics.
YamlFile parseYaml(const QString& path, const QByteArray& bytes, Diagnostics& out,
                   const YamlLimits& limits = {});

// 1-based line and column of a node, for diagnostics.
inline int yamlLine(const YAML::Node& node)
{
    return node.Mark().line + 1;
}
inline int yamlColumn(const YAML::Node& node)
{
    return node.Mark().column + 1;
}

Diagnostic diagnosticAt(const QString& path, const YAML::Node& node, Severity severity,
                        const QString& rule, const QString& message);

inline QString yamlText(const YAML::Node& node)
{
    return QString::fromStdString(node.Scalar());
}

// A short human name for a node's kind: "mapping", "sequence", "string", "null".
QString yamlKindName(const YAML::Node& node);

} // namespace launchdeck
