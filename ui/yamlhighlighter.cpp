// Line-based YAML highlighting: good enough for reading manifests, cheap enough to run on
// every keystroke of a 5,000-line file (only the edited block is re-highlighted).
#include "yamlhighlighter.h"

#include <QGuiApplication>
#include <QPalette>
#include <QTextDocument>

namespace launchdeck {

namespace {

// Where the comment starts, ignoring '#' inside quoted scalars or glued to a word (`a#b` is
// data); an apostrophe inside a plain scalar (`it's`) opens no quote.
qsizetype commentStart(const QString& text)
{
    QChar quote;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
            else if (c == u'\\' && quote == u'"')
                ++i;
            continue;
        }
        const bool tokenStart = i == 0 || text.at(i - 1).isSpace() || text.at(i - 1) == u'[' ||
                                text.at(i - 1) == u'{' || text.at(i - 1) == u',' ||
                                text.at(i - 1) == u':';
        if ((c == u'"' || c == u'\'') && tokenStart) {
            quote = c;
        } else if (c == u'#' && (i == 0 || text.at(i - 1).isSpace())) {
            return i;
        }
    }
    return -1;
}

} // namespace

YamlHighlighter::YamlHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document)
    , m_key(QStringLiteral(
          R"(^(\s*(?:-\s+)*)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\-?:][^#]*?|-[^\s#][^#]*?)\s*:(?=\s|$))"))
    , m_scalar(QStringLiteral(R"([^\s,\[\]{}][^,\[\]{}]*)"))
    , m_number(QStringLiteral(
          R"(^[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$|^0x[0-9a-fA-F]+$|^0o[0-7]+$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$)"))
    , m_keyword(QStringLiteral(
          R"(^(?:true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|null|Null|NULL|~)$)"))
    , m_string(QStringLiteral(R"((?:^|(?<=[\s\[{,:\-]))(?:"(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?))"))
    , m_anchor(QStringLiteral(R"((?:^|(?<=[\s\[{,:\-]))[&*!][^\s,\[\]{}]+)"))
    , m_substitution(QStringLiteral(R"(\$\{[^}\s]*\}?)"))
{
    const QColor base = QGuiApplication::palette().color(QPalette::Base);
    m_dark = base.lightness() < 128;
}

QTextCharFormat YamlHighlighter::formatFor(Kind kind, bool darkBackground)
{
    QTextCharFormat format;
    auto pick = [darkBackground](const char* light, const char* dark) {
        return QColor(QLatin1String(darkBackground ? dark : light));
    };
    switch (kind) {
    case Kind::Key:
        format.setForeground(pick("#0b5394", "#79b8ff"));
        format.setFontWeight(QFont::DemiBold);
        break;
    case Kind::String:
        format.setForeground(pick("#2e7d32", "#a5d6a7"));
        break;
    case Kind::Number:
        format.setForeground(pick("#b35900", "#ffab70"));
        break;
    case Kind::Keyword:
        format.setForeground(pick("#8e24aa", "#d2a8ff"));
        break;
    case Kind::Comment:
        format.setForeground(pick("#6a737d", "#8b949e"));
        format.setFontItalic(true);
        break;
    case Kind::Anchor:
        format.setForeground(pick("#00838f", "#56d4dd"));
        break;
    case Kind::Marker:
        format.setForeground(pick("#c62828", "#ff7b72"));
        format.setFontWeight(QFont::Bold);
        break;
    case Kind::Substitution:
        format.setForeground(pick("#ad1457", "#f778ba"));
        format.setBackground(pick("#fce4ec", "#3d1f2e"));
        break;
    }
    return format;
}

void YamlHighlighter::apply(qsizetype start, qsizetype length, Kind kind)
{
    setFormat(int(start), int(length), formatFor(kind, m_dark));
}

void YamlHighlighter::highlightBlock(const QString& fullText)
{
    if (fullText.startsWith(u"---") || fullText.startsWith(u"...")) {
        if (fullText.size() == 3 || fullText.at(3).isSpace()) {
            apply(0, 3, Kind::Marker);
        }
    }

    const qsizetype comment = commentStart(fullText);
    const QString text = comment < 0 ? fullText : fullText.left(comment);

    qsizetype valueFrom = 0;
    const QRegularExpressionMatch key = m_key.match(text);
    if (key.hasMatch()) {
        apply(key.capturedStart(2), key.capturedLength(2), Kind::Key);
        valueFrom = key.capturedEnd(0);
    }

    // Plain scalars in value position (block or flow): numbers, booleans, null.
    for (auto it = m_scalar.globalMatch(text, valueFrom); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        const QString token = m.captured();
        qsizetype begin = 0;
        qsizetype end = token.size();
        for (;;) { // sequence dashes in front ("- - 5") are structure, not the scalar
            while (begin < end && token.at(begin).isSpace())
                ++begin;
            if (begin < end && token.at(begin) == u'-' &&
                (begin + 1 == end || token.at(begin + 1).isSpace())) {
                ++begin;
                continue;
            }
            break;
        }
        while (end > begin && token.at(end - 1).isSpace())
            --end;
        const QString value = token.mid(begin, end - begin);
        if (value.isEmpty())
            continue;
        if (m_number.match(value).hasMatch())
            apply(m.capturedStart() + begin, value.size(), Kind::Number);
        else if (m_keyword.match(value).hasMatch())
            apply(m.capturedStart() + begin, value.size(), Kind::Keyword);
    }

    for (auto it = m_anchor.globalMatch(text, valueFrom); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        apply(m.capturedStart(), m.capturedLength(), Kind::Anchor);
    }

    for (auto it = m_string.globalMatch(text, valueFrom); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        apply(m.capturedStart(), m.capturedLength(), Kind::String);
    }

    // Substitutions stand out wherever they are, inside strings too.
    for (auto it = m_substitution.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        apply(m.capturedStart(), m.capturedLength(), Kind::Substitution);
    }

    if (comment >= 0)
        apply(comment, fullText.size() - comment, Kind::Comment);
}

} // namespace launchdeck
