// Reading .dockerignore and matching paths against it, after the docker CLI and its pattern
// matcher (moby's patternmatcher), so a context sends what `docker build` would send.
#include "docker/dockerignore.h"

#include <QDir>
#include <QFile>

namespace launchdeck {

namespace {

// The character at `i` as a literal of an expression; `i` moves to its last QChar. One outside
// the BMP (an emoji) is two QChars, which escaped one at a time would have a backslash between
// them; NUL becomes \x00, as escape()'s \0 would read the digits after it as octal.
QString literalAt(const QString& text, qsizetype& i)
{
    if (text.at(i) == QChar::Null)
        return QStringLiteral("\\x00");
    const bool pair =
        text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate();
    const QString escaped = QRegularExpression::escape(QStringView(text).sliced(i, pair ? 2 : 1));
    if (pair)
        ++i;
    return escaped;
}

} // namespace

QString cleanDockerPath(const QString& path)
{
    const bool rooted = path.startsWith(u'/');
    QStringList kept;
    for (const QString& element : path.split(u'/', Qt::SkipEmptyParts)) {
        if (element == u".")
            continue;
        if (element == u"..") {
            if (!kept.isEmpty() && kept.last() != u"..")
                kept.removeLast();
            else if (!rooted)
                kept.append(element);
            continue;
        }
        kept.append(element);
    }
    const QString joined = kept.join(u'/');
    if (rooted)
        return u'/' + joined;
    return joined.isEmpty() ? QStringLiteral(".") : joined;
}

Result<DockerIgnore> DockerIgnore::parse(const QByteArray& content, const QString& where)
{
    DockerIgnore ignore;
    const QList<QByteArray> lines = content.split('\n');
    for (qsizetype index = 0; index < lines.size(); ++index) {
        QByteArray bytes = lines.at(index);
        if (bytes.endsWith('\r'))
            bytes.chop(1);
        if (index == 0 && bytes.startsWith("\xEF\xBB\xBF"))
            bytes.remove(0, 3);
        // Only a '#' in the first column starts a comment, as in the CLI.
        if (bytes.startsWith('#'))
            continue;
        QString text = QString::fromUtf8(bytes).trimmed();
        if (text.isEmpty())
            continue;
        const bool exception = text.startsWith(u'!');
        if (exception)
            text = text.mid(1).trimmed();
        const QString line = where.isEmpty() ? QStringLiteral("line %1").arg(index + 1)
                                             : where + u':' + QString::number(index + 1);
        if (text.isEmpty())
            return Error{QStringLiteral("illegal exclusion pattern \"!\""), line};
        text = cleanDockerPath(text);
        if (text.size() > 1 && text.startsWith(u'/'))
            text.remove(0, 1);
        Result<Pattern> pattern = compile(text, exception);
        if (!pattern)
            return Error{pattern.error().message, line};
        ignore.m_hasExceptions = ignore.m_hasExceptions || exception;
        ignore.m_patterns.append(std::move(pattern).value());
    }
    return ignore;
}

Result<DockerIgnore> DockerIgnore::load(const QString& contextDir)
{
    QFile file(QDir(contextDir).filePath(QStringLiteral(".dockerignore")));
    if (!file.exists())
        return DockerIgnore();
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("cannot read: ") + file.errorString(), file.fileName()};
    return parse(file.readAll(), file.fileName());
}

QStringList DockerIgnore::patterns() const
{
    QStringList texts;
    for (const Pattern& pattern : m_patterns)
        texts.append(pattern.exception ? u'!' + pattern.text : pattern.text);
    return texts;
}

Result<DockerIgnore::Pattern> DockerIgnore::compile(const QString& text, bool exception)
{
    const auto bad = [&text](const QString& why) {
        return Error{QStringLiteral("bad pattern \"%1\": %2").arg(text, why), {}};
    };
    // Go's regexp and filepath.Match share '*', '?', '[...]' and '\' escapes; everything else
    // is literal here, so a name like "notes (1).txt" matches itself.
    QString regex;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar ch = text.at(i);
        if (ch == u'*') {
            if (i + 1 < text.size() && text.at(i + 1) == u'*') {
                ++i;
                if (i + 1 < text.size() && text.at(i + 1) == u'/')
                    ++i;
                // A trailing "**" takes everything below, like .gitignore; elsewhere it spans
                // any number of folders, none included.
                regex += i + 1 == text.size() ? QStringLiteral(".*") : QStringLiteral("(.*/)?");
            } else {
                regex += QStringLiteral("[^/]*");
            }
        } else if (ch == u'?') {
            regex += QStringLiteral("[^/]");
        } else if (ch == u'\\') {
            if (i + 1 == text.size())
                return bad(QStringLiteral("it ends with an escaping backslash"));
            regex += literalAt(text, ++i);
        } else if (ch == u'[') {
            QString set = QStringLiteral("[");
            qsizetype j = i + 1;
            if (j < text.size() && text.at(j) == u'^')
                set += text.at(j++);
            const qsizetype first = j;
            bool closed = false;
            for (; j < text.size(); ++j) {
                const QChar member = text.at(j);
                if (member == u']' && j > first) {
                    closed = true;
                    break;
                }
                if (member == u'\\') {
                    if (j + 1 == text.size())
                        break;
                    set += u'\\' + text.at(++j);
                } else if (member == u'[' || member == u']') {
                    set += u'\\' + member;
                } else {
                    set += member;
                }
            }
            if (!closed)
                return bad(QStringLiteral("a character class is not closed"));
            regex += set + u']';
            i = j;
        } else {
            regex += literalAt(text, i);
        }
    }
    Pattern pattern;
    pattern.text = text;
    pattern.exception = exception;
    pattern.regex = QRegularExpression(QRegularExpression::anchoredPattern(regex));
    if (!pattern.regex.isValid())
        return bad(pattern.regex.errorString());
    return pattern;
}

bool DockerIgnore::matches(const Pattern& pattern, const QString& path)
{
    if (pattern.regex.match(path).hasMatch())
        return true;
    for (qsizetype slash = path.indexOf(u'/'); slash > 0; slash = path.indexOf(u'/', slash + 1)) {
        if (pattern.regex.match(path.left(slash)).hasMatch())
            return true;
    }
    return false;
}

bool DockerIgnore::excludes(const QString& path) const
{
    bool excluded = false;
    for (const Pattern& pattern : m_patterns) {
        // Only a pattern that would flip the verdict needs matching.
        if (pattern.exception != excluded)
            continue;
        if (matches(pattern, path))
            excluded = !pattern.exception;
    }
    return excluded;
}

bool DockerIgnore::mayIncludeBelow(const QString& dir) const
{
    const QString below = dir + u'/';
    for (const Pattern& pattern : m_patterns) {
        if (!pattern.exception)
            continue;
        if (QString(pattern.text + u'/').startsWith(below))
            return true;
        // A partial match means some longer path under `dir` could still match in full.
        const QRegularExpressionMatch match =
            pattern.regex.match(below, 0, QRegularExpression::PartialPreferFirstMatch);
        if (match.hasMatch() || match.hasPartialMatch())
            return true;
    }
    return false;
}

void DockerIgnore::keep(const QString& path)
{
    if (!excludes(path))
        return;
    QString literal;
    for (const QChar ch : path) {
        if (ch == u'*' || ch == u'?' || ch == u'[' || ch == u'\\')
            literal += u'\\';
        literal += ch;
    }
    Result<Pattern> pattern = compile(literal, true);
    if (pattern) {
        m_patterns.append(std::move(pattern).value());
        m_hasExceptions = true;
    }
}

} // namespace launchdeck
