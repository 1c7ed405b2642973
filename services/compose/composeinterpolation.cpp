// Compose interpolation parser: finds the first malformed reference in a string.
#include "compose/composeinterpolation.h"

namespace launchdeck {

namespace {

bool isNameStart(QChar c)
{
    return c == u'_' || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || (c >= u'0' && c <= u'9');
}

class Scanner
{
public:
    explicit Scanner(QStringView text)
        : m_text(text)
    {}

    // Scans until the end or, when `nested`, until the '}' closing the enclosing reference.
    std::optional<InterpolationError> scan(bool nested)
    {
        while (m_pos < m_text.size()) {
            const QChar c = m_text[m_pos];
            if (nested && c == u'}')
                return std::nullopt;
            if (c != u'$') {
                ++m_pos;
                continue;
            }
            if (auto error = reference())
                return error;
        }
        if (nested)
            return InterpolationError{m_text.size(), QStringLiteral("'${' is never closed by '}'")};
        return std::nullopt;
    }

private:
    std::optional<InterpolationError> reference()
    {
        const qsizetype start = m_pos++;
        if (m_pos >= m_text.size()) {
            return InterpolationError{start, QStringLiteral("a lone '$' at the end; write $$ for "
                                                            "a literal dollar sign")};
        }
        const QChar next = m_text[m_pos];
        if (next == u'$') {
            ++m_pos;
            return std::nullopt;
        }
        if (isNameStart(next)) {
            while (m_pos < m_text.size() && isNameChar(m_text[m_pos]))
                ++m_pos;
            return std::nullopt;
        }
        if (next != u'{') {
            return InterpolationError{start,
                                      QStringLiteral("'$' must be followed by a variable name or "
                                                     "'{'; write $$ for a literal dollar sign")};
        }
        ++m_pos;
        const qsizetype nameStart = m_pos;
        while (m_pos < m_text.size() && isNameChar(m_text[m_pos]))
            ++m_pos;
        const QStringView name = m_text.mid(nameStart, m_pos - nameStart);
        if (name.isEmpty() || !isNameStart(name.front())) {
            return InterpolationError{
                start, QStringLiteral("'${' must be followed by a variable name (letters, digits "
                                      "and '_', not starting with a digit)")};
        }
        if (m_pos >= m_text.size())
            return InterpolationError{start, QStringLiteral("'${' is never closed by '}'")};
        if (m_text[m_pos] == u'}') {
            ++m_pos;
            return std::nullopt;
        }
        // ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}, ${NAME:+alt},
        // ${NAME+alt}
        if (m_text[m_pos] == u':')
            ++m_pos;
        if (m_pos >= m_text.size() || !QStringView(u"-?+").contains(m_text[m_pos])) {
            return InterpolationError{
                start, QStringLiteral("invalid character after the variable name '%1'; expected "
                                      "'}', ':-', '-', ':?', '?', ':+' or '+'")
                           .arg(name.toString())};
        }
        ++m_pos;
        if (auto error = scan(true)) {
            if (error->offset == m_text.size())
                error->offset = start;
            return error;
        }
        ++m_pos; // the closing brace
        return std::nullopt;
    }

    QStringView m_text;
    qsizetype m_pos = 0;
};

} // namespace

std::optional<InterpolationError> checkComposeInterpolation(QStringView text)
{
    return Scanner(text).scan(false);
}

bool hasComposeInterpolation(QStringView text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text[i] != u'$')
            continue;
        if (text[i + 1] == u'$') {
            ++i;
            continue;
        }
        if (text[i + 1] == u'{' || isNameStart(text[i + 1]))
            return true;
    }
    return false;
}

} // namespace launchdeck
