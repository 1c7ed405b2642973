// A small ordered YAML tree for rendered output, each node carrying the template line it came
// from, and a block-style writer that quotes what YAML 1.1 or 1.2 readers would misread.
#pragma once

#include <QList>
#include <QString>

#include <utility>

namespace launchdeck::templates {

class DocNode final
{
public:
    enum class Kind { String, Literal, Map, Sequence };

    static DocNode string(const QString& text, int line = 0);
    static DocNode number(qint64 value, int line = 0);
    static DocNode boolean(bool value, int line = 0);
    static DocNode map(int line = 0);
    static DocNode sequence(int line = 0);

    Kind kind() const { return m_kind; }
    int line() const { return m_line; }
    bool isEmpty() const { return m_entries.isEmpty() && m_items.isEmpty(); }

    // Adds (or replaces) `key` keeping the first position; returns the stored value.
    DocNode& insert(const QString& key, DocNode value);
    DocNode& insert(const QString& key, const QString& text, int line = 0)
    {
        return insert(key, string(text, line));
    }
    DocNode* find(const QString& key);
    DocNode& append(DocNode item);

    const QList<std::pair<QString, DocNode>>& entries() const { return m_entries; }
    const QList<DocNode>& items() const { return m_items; }
    const QString& text() const { return m_text; }

private:
    Kind m_kind = Kind::Map;
    QString m_text;
    int m_line = 0;
    QList<std::pair<QString, DocNode>> m_entries;
    QList<DocNode> m_items;
};

struct WrittenYaml
{
    QString text;
    QList<int> lines; // per output line, the template line (0 unknown)
};

// Appends `root` as one YAML document; `line` is the template line for lines of nodes that
// carry none.
void writeYaml(const DocNode& root, int line, WrittenYaml& out);

// The text quoted when a YAML reader would take it for anything but that string.
QString yamlScalarText(const QString& text);

} // namespace launchdeck::templates
