// The parser stops where the text stopped making sense to it, which is often a line or more after
// the mistake: a 'key:value' without a space makes the next line's ':' illegal, an unclosed '['
// is noticed at the end of the file. These heuristics look back from that point to the line a
// user has to change, and say what to write there.
#include "core/yamlsyntaxerror.h"

#include <QList>
#include <QStringList>

#include <algorithm>
#include <climits>
#include <optional>
#include <string_view>

#include <yaml-cpp/exceptions.h>

namespace launchdeck {

namespace {

struct Line
{
    QByteArrayView text;
    int indent = 0;    // leading spaces
    int itemStart = 0; // column (0-based) where the content starts after any '- ' markers
    QByteArrayView item;
    bool blank = true;
};

// The text before a comment, without trailing spaces; quotes are respected roughly, which is
// enough for deciding what a line says.
QByteArrayView withoutComment(QByteArrayView text)
{
    char quote = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quote) {
            quote = c == quote ? 0 : quote;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '#' && (i == 0 || text[i - 1] == ' ')) {
            text = text.first(i);
            break;
        }
    }
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\r' || text.back() == '\t'))
        text.chop(1);
    return text;
}

QList<Line> splitLines(const QByteArray& bytes)
{
    QList<Line> lines;
    qsizetype start = 0;
    while (start <= bytes.size()) {
        qsizetype end = bytes.indexOf('\n', start);
        if (end < 0)
            end = bytes.size();
        Line line;
        line.text = QByteArrayView(bytes).sliced(start, end - start);
        while (line.indent < line.text.size() && line.text[line.indent] == ' ')
            ++line.indent;
        const QByteArrayView content = withoutComment(line.text);
        int item = line.indent;
        while (item + 1 < content.size() && content[item] == '-' && content[item + 1] == ' ') {
            item += 2;
            while (item < content.size() && content[item] == ' ')
                ++item;
        }
        line.itemStart = item;
        line.item = item < content.size() ? content.sliced(item) : QByteArrayView();
        line.blank = content.size() <= line.indent;
        lines.append(line);
        start = end + 1;
    }
    return lines;
}

int previousContent(const QList<Line>& lines, int index)
{
    for (int i = std::min(index, static_cast<int>(lines.size())) - 1; i >= 0; --i) {
        if (!lines[i].blank)
            return i;
    }
    return -1;
}

bool isOneOf(char c, std::string_view set)
{
    return set.find(c) != std::string_view::npos;
}

bool isKeyChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '/';
}

// The offset of the ':' in a plain 'key:value' written without a space, as the parser reads it:
// one scalar, so whatever follows as a nested block becomes illegal.
std::optional<qsizetype> missingSpaceColon(QByteArrayView item)
{
    const qsizetype colon = item.indexOf(':');
    if (colon <= 0 || colon + 1 >= item.size() || item.back() == ':')
        return std::nullopt;
    const char after = item[colon + 1];
    if (after == ' ' || after == '/' || after == ':' || item.indexOf(": ") >= 0)
        return std::nullopt; // "a: b", URLs and "a::b" are something else
    for (qsizetype i = 0; i < colon; ++i) {
        if (!isKeyChar(item[i]))
            return std::nullopt;
    }
    return colon;
}

// A key with its value on the same line: nothing may be nested under it.
bool hasInlineValue(QByteArrayView item)
{
    const qsizetype separator = item.indexOf(": ");
    if (separator < 0)
        return !item.isEmpty() && item.indexOf(':') < 0; // a plain scalar
    const QByteArrayView value = item.sliced(separator + 2).trimmed();
    return !value.isEmpty() && value[0] != '|' && value[0] != '>' && value[0] != '&' &&
           value[0] != '!';
}

QString quoted(QByteArrayView text)
{
    return u'\'' + QString::fromUtf8(text) + u'\'';
}

struct Explainer
{
    const QByteArray& bytes;
    const QList<Line> lines;
    const int at;        // 0-based line of the parser's mark
    const int atColumn;  // 0-based column of the parser's mark
    const qsizetype pos; // offset of the mark, clamped to the text

    YamlSyntaxError report(int line, int column, const QString& message) const
    {
        return {line + 1, column + 1, message};
    }

    std::optional<YamlSyntaxError> missingSpace() const
    {
        const int previous = previousContent(lines, at);
        if (previous < 0)
            return std::nullopt;
        const Line& line = lines[previous];
        const std::optional<qsizetype> colon = missingSpaceColon(line.item);
        if (!colon)
            return std::nullopt;
        const QByteArray fixed = line.item.first(*colon + 1).toByteArray() + ' ' +
                                 line.item.sliced(*colon + 1).toByteArray();
        return report(previous, line.itemStart + static_cast<int>(*colon),
                      QStringLiteral("missing space after ':' in %1 — write %2")
                          .arg(quoted(line.item), quoted(fixed)));
    }

    // The line of the mark is indented deeper than a key that has its value already.
    std::optional<YamlSyntaxError> deeperThanAValue() const
    {
        const int previous = previousContent(lines, at);
        if (previous < 0 || at >= lines.size())
            return std::nullopt;
        const Line& line = lines[at];
        const Line& above = lines[previous];
        if (line.indent <= above.indent || !hasInlineValue(above.item))
            return std::nullopt;
        return report(at, line.indent,
                      QStringLiteral("this line is indented deeper than line %1, where %2 has its "
                                     "value already: line it up with line %1, or end line %1 with "
                                     "':' to nest it")
                          .arg(previous + 1)
                          .arg(quoted(above.item)));
    }

    std::optional<YamlSyntaxError> secondColonOnLine() const
    {
        if (pos >= bytes.size() || bytes[pos] != ':' || at >= lines.size())
            return std::nullopt;
        const Line& line = lines[at];
        const qsizetype first = line.item.indexOf(": ");
        if (first < 0 || line.itemStart + first >= atColumn)
            return std::nullopt;
        const QByteArrayView value = line.item.sliced(first + 2);
        if (value.startsWith('{') || value.startsWith('['))
            return std::nullopt;
        return report(at, atColumn,
                      QStringLiteral("a value cannot hold ': ' unquoted: quote it (%1) or put "
                                     "the nested key on its own line")
                          .arg(quoted(QByteArray(line.item.first(first + 2).toByteArray() + '"' +
                                                 value.toByteArray() + '"'))));
    }

    std::optional<YamlSyntaxError> textAfterQuote() const
    {
        if (at >= lines.size())
            return std::nullopt;
        qsizetype i = pos - 1;
        while (i >= 0 && bytes[i] == ' ')
            --i;
        if (i < 0 || (bytes[i] != '"' && bytes[i] != '\''))
            return std::nullopt;
        return report(at, atColumn,
                      QStringLiteral("text after the closing %1: quote the whole value%2")
                          .arg(QLatin1Char(bytes[i]))
                          .arg(bytes[i] == '\''
                                   ? QStringLiteral(" (inside single quotes, write '' for ')")
                                   : QString()));
    }

    std::optional<YamlSyntaxError> entryAmongKeys() const
    {
        const int previous = previousContent(lines, at);
        if (at >= lines.size() || !lines[at].text.trimmed().startsWith("- ") || previous < 0 ||
            lines[previous].item.endsWith(':'))
            return std::nullopt;
        return report(at, lines[at].indent,
                      QStringLiteral("a list entry ('- ') where the keys of a mapping are "
                                     "expected: a list is the value of a key, written 'key:' "
                                     "with the entries on the lines below it"));
    }

    std::optional<YamlSyntaxError> indentationFitsNoLevel() const
    {
        if (at >= lines.size())
            return std::nullopt;
        const int indent = lines[at].indent;
        QList<int> levels;
        int lowest = INT_MAX;
        for (int i = previousContent(lines, at); i >= 0; i = previousContent(lines, i)) {
            if (lines[i].indent > lowest)
                continue; // a deeper block that has ended
            if (lines[i].itemStart != lines[i].indent && !levels.contains(lines[i].itemStart))
                levels.append(lines[i].itemStart);
            if (!levels.contains(lines[i].indent))
                levels.append(lines[i].indent);
            lowest = lines[i].indent;
        }
        if (levels.isEmpty() || levels.contains(indent) || indent > levels.first())
            return std::nullopt;
        QStringList used;
        for (int level : levels)
            used.append(QString::number(level));
        return report(at, indent,
                      QStringLiteral("this line is indented by %1, which matches no block "
                                     "above it (they are indented by %2): align it with the "
                                     "keys it belongs with")
                          .arg(indent == 1 ? QStringLiteral("1 space")
                                           : QStringLiteral("%1 spaces").arg(indent))
                          .arg(used.join(QStringLiteral(", "))));
    }

    std::optional<YamlSyntaxError> keyAmongEntries() const
    {
        if (at >= lines.size() || lines[at].itemStart != lines[at].indent)
            return std::nullopt;
        for (int i = previousContent(lines, at); i >= 0; i = previousContent(lines, i)) {
            if (lines[i].indent < lines[at].indent)
                return std::nullopt;
            if (lines[i].indent == lines[at].indent) {
                if (lines[i].itemStart == lines[i].indent)
                    return std::nullopt;
                return report(at, lines[at].indent,
                              QStringLiteral("a key where line %1 started a list at the same "
                                             "indentation: write it as an entry ('- ') or "
                                             "indent it under one")
                                  .arg(i + 1));
            }
        }
        return std::nullopt;
    }

    // The innermost '[' or '{' still open at the mark, skipping quoted text and comments.
    std::optional<YamlSyntaxError> unclosedFlow(bool closerAtMark) const
    {
        QList<qsizetype> open;
        const qsizetype end = closerAtMark ? pos : bytes.size();
        char quote = 0;
        for (qsizetype i = 0; i < end; ++i) {
            const char c = bytes[i];
            if (quote) {
                quote = c == quote ? 0 : quote;
            } else if ((c == '"' || c == '\'') && (i == 0 || isOneOf(bytes[i - 1], " [{,:\n"))) {
                quote = c;
            } else if (c == '#' && (i == 0 || bytes[i - 1] == ' ' || bytes[i - 1] == '\n')) {
                while (i + 1 < end && bytes[i + 1] != '\n')
                    ++i;
            } else if (c == '[' || c == '{') {
                open.append(i);
            } else if ((c == ']' || c == '}') && !open.isEmpty()) {
                open.removeLast();
            }
        }
        const auto place = [this](qsizetype offset) {
            // lastIndexOf reads a negative start as "from the end".
            const qsizetype lineStart = offset > 0 ? bytes.lastIndexOf('\n', offset - 1) + 1 : 0;
            return std::pair{static_cast<int>(bytes.left(offset).count('\n')),
                             static_cast<int>(offset - lineStart)};
        };
        if (closerAtMark) {
            if (pos >= bytes.size())
                return std::nullopt;
            const char closer = bytes[pos];
            if (open.isEmpty()) {
                return report(at, atColumn,
                              QStringLiteral("'%1' closes nothing: no '%2' is open here; quote "
                                             "the value if the bracket is text")
                                  .arg(QLatin1Char(closer))
                                  .arg(QLatin1Char(closer == ']' ? '[' : '{')));
            }
            const auto [line, column] = place(open.last());
            return report(at, atColumn,
                          QStringLiteral("'%1' where the '%2' opened at line %3, column %4 must be "
                                         "closed first with '%5'")
                              .arg(QLatin1Char(closer))
                              .arg(QLatin1Char(bytes[open.last()]))
                              .arg(line + 1)
                              .arg(column + 1)
                              .arg(QLatin1Char(bytes[open.last()] == '[' ? ']' : '}')));
        }
        if (open.isEmpty())
            return std::nullopt;
        const auto [line, column] = place(open.last());
        const bool list = bytes[open.last()] == '[';
        return report(line, column,
                      QStringLiteral("the %1 opened here with '%2' is never closed: add '%3' "
                                     "where it ends")
                          .arg(list ? QStringLiteral("list") : QStringLiteral("mapping"))
                          .arg(QLatin1Char(list ? '[' : '{'))
                          .arg(QLatin1Char(list ? ']' : '}')));
    }
};

bool startsWith(const std::string& text, const char* prefix)
{
    return text.rfind(prefix, 0) == 0;
}

} // namespace

YamlSyntaxError explainYamlSyntaxError(const QByteArray& bytes, const std::string& parserMessage,
                                       const YAML::Mark& mark)
{
    const QString words = QString::fromStdString(parserMessage);
    if (mark.is_null())
        return {0, 0, words};
    const Explainer explain{bytes, splitLines(bytes), mark.line, mark.column,
                            qBound<qsizetype>(0, qsizetype(mark.pos), bytes.size())};
    std::optional<YamlSyntaxError> found;
    const auto firstOf = [&found](std::initializer_list<std::optional<YamlSyntaxError>> tries) {
        for (const auto& candidate : tries) {
            if (candidate) {
                found = candidate;
                return;
            }
        }
    };
    const char current = explain.pos < bytes.size() ? bytes[explain.pos] : '\0';
    if (parserMessage == YAML::ErrorMsg::MAP_VALUE) {
        firstOf({explain.missingSpace(), explain.secondColonOnLine(), explain.deeperThanAValue()});
    } else if (parserMessage == YAML::ErrorMsg::END_OF_MAP ||
               parserMessage == YAML::ErrorMsg::END_OF_SEQ) {
        firstOf({explain.missingSpace(), explain.textAfterQuote(), explain.indentationFitsNoLevel(),
                 explain.entryAmongKeys(), explain.keyAmongEntries()});
    } else if (parserMessage == YAML::ErrorMsg::END_OF_MAP_FLOW ||
               parserMessage == YAML::ErrorMsg::END_OF_SEQ_FLOW) {
        firstOf({explain.unclosedFlow(false)});
    } else if (parserMessage == YAML::ErrorMsg::FLOW_END) {
        firstOf({explain.unclosedFlow(true)});
    } else if (parserMessage == YAML::ErrorMsg::BLOCK_ENTRY) {
        found = explain.report(mark.line, mark.column,
                               QStringLiteral("a list entry ('- ') cannot follow a key on its "
                                              "line: put it on the next line, indented, or quote "
                                              "the value if the '-' is text"));
    } else if (parserMessage == YAML::ErrorMsg::UNKNOWN_TOKEN && current != '\0') {
        found = explain.report(mark.line, mark.column,
                               QStringLiteral("'%1' cannot start a plain value; quote the value")
                                   .arg(QLatin1Char(current)));
    } else if (parserMessage == YAML::ErrorMsg::UNKNOWN_ANCHOR) {
        qsizetype end = explain.pos + 1;
        while (end < bytes.size() && !isOneOf(bytes[end], " \n\r,]}"))
            ++end;
        const QString name = QString::fromUtf8(bytes.mid(explain.pos + 1, end - explain.pos - 1));
        found = explain.report(mark.line, mark.column,
                               QStringLiteral("the alias '*%1' names no anchor: mark the node "
                                              "it stands for with '&%1' before it, in the same "
                                              "document")
                                   .arg(name));
    } else if (startsWith(parserMessage, YAML::ErrorMsg::INVALID_ESCAPE)) {
        const QString escape = QString::fromStdString(
            parserMessage.substr(std::string(YAML::ErrorMsg::INVALID_ESCAPE).size()));
        // The parser stops past the escape: point at its backslash.
        const qsizetype backslash = explain.pos > 0 ? bytes.lastIndexOf('\\', explain.pos - 1) : -1;
        const int column = backslash >= 0 && bytes.left(backslash).count('\n') == mark.line
                               ? mark.column - static_cast<int>(explain.pos - backslash)
                               : mark.column;
        found = explain.report(mark.line, column,
                               QStringLiteral("unknown escape '\\%1' in a double-quoted string: "
                                              "write '\\\\' for a backslash, or use single "
                                              "quotes, where '\\' has no meaning")
                                   .arg(escape));
    }
    if (!found)
        return {mark.line + 1, mark.column + 1, words};
    found->message += QStringLiteral(" (the parser says '%1' at line %2, column %3)")
                          .arg(words)
                          .arg(mark.line + 1)
                          .arg(mark.column + 1);
    return *found;
}

} // namespace launchdeck
