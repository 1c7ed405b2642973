// Deterministic block-style YAML output with a source line per output line.
#include "templates/docnode.h"

#include <QRegularExpression>

namespace launchdeck::templates {

DocNode DocNode::string(const QString& text, int line)
{
    DocNode node;
    node.m_kind = Kind::String;
    node.m_text = text;
    node.m_line = line;
    return node;
}

DocNode DocNode::number(qint64 value, int line)
{
    DocNode node;
    node.m_kind = Kind::Literal;
    node.m_text = QString::number(value);
    node.m_line = line;
    return node;
}

DocNode DocNode::boolean(bool value, int line)
{
    DocNode node;
    node.m_kind = Kind::Literal;
    node.m_text = value ? QStringLiteral("true") : QStringLiteral("false");
    node.m_line = line;
    return node;
}

DocNode DocNode::map(int line)
{
    DocNode node;
    node.m_kind = Kind::Map;
    node.m_line = line;
    return node;
}

DocNode DocNode::sequence(int line)
{
    DocNode node;
    node.m_kind = Kind::Sequence;
    node.m_line = line;
    return node;
}

DocNode& DocNode::insert(const QString& key, DocNode value)
{
    if (DocNode* existing = find(key)) {
        *existing = std::move(value);
        return *existing;
    }
    m_entries.append({key, std::move(value)});
    return m_entries.last().second;
}

DocNode* DocNode::find(const QString& key)
{
    for (auto& entry : m_entries) {
        if (entry.first == key)
            return &entry.second;
    }
    return nullptr;
}

DocNode& DocNode::append(DocNode item)
{
    m_items.append(std::move(item));
    return m_items.last();
}

QString yamlScalarText(const QString& text)
{
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z_/][A-Za-z0-9_./@+=:,()-]*$"));
    static const QRegularExpression special(QStringLiteral("^(y|n|yes|no|on|off|true|false|null)$"),
                                            QRegularExpression::CaseInsensitiveOption);
    const bool plain = safe.match(text).hasMatch() && !special.match(text).hasMatch() &&
                       !text.endsWith(u':') && !text.contains(QStringLiteral("::"));
    if (plain)
        return text;
    QString quoted = QStringLiteral("\"");
    for (const QChar c : text) {
        if (c == u'"' || c == u'\\')
            quoted += u'\\' + QString(c);
        else if (c == u'\n')
            quoted += QStringLiteral("\\n");
        else if (c == u'\t')
            quoted += QStringLiteral("\\t");
        else if (c.unicode() < 0x20)
            quoted += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            quoted += c;
    }
    return quoted + u'"';
}

namespace {

class Writer
{
public:
    explicit Writer(WrittenYaml& out)
        : m_out(out)
    {}

    void node(const DocNode& node, int indent, int line)
    {
        if (node.kind() == DocNode::Kind::Map) {
            for (const auto& [key, value] : node.entries())
                entry(key, value, indent, line);
        } else if (node.kind() == DocNode::Kind::Sequence) {
            for (const DocNode& item : node.items())
                sequenceItem(item, indent, line);
        } else {
            emitLine(QString(indent, u' ') + scalar(node), lineOf(node, line));
        }
    }

private:
    static int lineOf(const DocNode& node, int inherited)
    {
        return node.line() > 0 ? node.line() : inherited;
    }

    static QString scalar(const DocNode& node)
    {
        return node.kind() == DocNode::Kind::Literal ? node.text() : yamlScalarText(node.text());
    }

    static std::optional<QString> inlineForm(const DocNode& node)
    {
        switch (node.kind()) {
        case DocNode::Kind::String:
        case DocNode::Kind::Literal:
            return scalar(node);
        case DocNode::Kind::Map:
            if (node.isEmpty())
                return QStringLiteral("{}");
            break;
        case DocNode::Kind::Sequence:
            if (node.isEmpty())
                return QStringLiteral("[]");
            break;
        }
        return std::nullopt;
    }

    void entry(const QString& key, const DocNode& value, int indent, int line)
    {
        const QString prefix = QString(indent, u' ') + yamlScalarText(key) + u':';
        const int own = lineOf(value, line);
        if (const auto text = inlineForm(value)) {
            emitLine(prefix + u' ' + *text, own);
            return;
        }
        emitLine(prefix, own);
        node(value, indent + 2, own);
    }

    void sequenceItem(const DocNode& item, int indent, int line)
    {
        const QString dash = QString(indent, u' ') + QStringLiteral("- ");
        const int own = lineOf(item, line);
        if (const auto text = inlineForm(item)) {
            emitLine(dash + *text, own);
            return;
        }
        if (item.kind() == DocNode::Kind::Sequence) {
            emitLine(dash.trimmed(), own);
            node(item, indent + 2, own);
            return;
        }
        // A mapping item starts on the dash line; its other keys align under the first.
        bool first = true;
        for (const auto& [key, value] : item.entries()) {
            if (first) {
                WrittenYaml part;
                Writer nested(part);
                nested.entry(key, value, indent + 2, own);
                QString text = part.text;
                text.replace(0, indent + 2, dash);
                const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
                for (qsizetype i = 0; i < lines.size(); ++i)
                    emitLine(lines[i], part.lines.value(i));
                first = false;
                continue;
            }
            entry(key, value, indent + 2, own);
        }
    }

    void emitLine(const QString& text, int line)
    {
        m_out.text += text + u'\n';
        m_out.lines.append(line);
    }

    WrittenYaml& m_out;
};

} // namespace

void writeYaml(const DocNode& root, int line, WrittenYaml& out)
{
    Writer(out).node(root, 0, line);
}

} // namespace launchdeck::templates
