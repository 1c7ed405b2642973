// Loading YAML safely: size, encoding, tabs, syntax, duplicate keys, nesting depth and alias
// expansion are all checked, each finding placed at its line and column. Files of many documents
// can be read one document at a time.
#pragma once

#include "core/diagnostic.h"

#include <QByteArray>
#include <QString>

#include <functional>

#include <yaml-cpp/yaml.h>

namespace launchdeck {

struct YamlLimits
{
    qint64 maxBytes = 32 * 1024 * 1024;
    int maxDepth = 256;
    // Per document, counted as written and with aliases expanded: an alias bomb stops here,
    // and so does a single document too large to check. A file may hold any number of them.
    qint64 maxNodes = 2'000'000;
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

// Which parser reads YAML text. By default libyaml's reads every text on which it agrees with
// yaml-cpp's (see LibyamlDocuments), and yaml-cpp's the rest; the choice is process-wide, for
// the tests and benchmarks that compare the two.
enum class YamlParserChoice { Fastest, YamlCppOnly };
void setYamlParserChoice(YamlParserChoice choice);

// Parses the documents of `bytes` one after the other. Each is checked and handed to `visit`,
// then let go: memory follows the largest document, not the file. A document refused (too
// deep, too large, an alias bomb) is reported and skipped, and reading goes on with the next; a
// syntax error ends the reading. True when every document was read and handed over.
bool forEachYamlDocument(const QString& path, const QByteArray& bytes, Diagnostics& out,
                         const std::function<void(const YamlDocument&)>& visit,
                         const YamlLimits& limits = {});

// Reads and parses `path`; every problem found is appended to `out`.
YamlFile loadYamlFile(const QString& path, Diagnostics& out, const YamlLimits& limits = {});
// Same, for text already in memory (an editor buffer); `path` names it in diagnostics. Every
// document is kept: for files of a few documents (workspace, pipelines, templates).
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
