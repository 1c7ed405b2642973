// Parser of template value text into literal pieces and variable references.
#include "templates/templatetext.h"

#include <QRegularExpression>

namespace launchdeck::templates {

bool isVariableName(QStringView name)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z_][a-z0-9_]*$"));
    return pattern.match(name).hasMatch();
}

ParsedText parseText(const QString& text)
{
    static const QRegularExpression referencePattern(
        QStringLiteral("^([a-z_][a-z0-9_]*|resources\\.[a-z0-9-]+\\.[a-z_]+)(:-(.*))?$"));
    ParsedText parsed;
    QString literal;
    const auto flush = [&] {
        if (!literal.isEmpty())
            parsed.pieces.append({literal, std::nullopt});
        literal.clear();
    };
    qsizetype i = 0;
    while (i < text.size()) {
        const QChar c = text[i];
        if (c != u'$' || i + 1 >= text.size() || (text[i + 1] != u'$' && text[i + 1] != u'{')) {
            literal += c;
            ++i;
            continue;
        }
        if (text[i + 1] == u'$') {
            literal += u'$';
            i += 2;
            continue;
        }
        const qsizetype close = text.indexOf(u'}', i + 2);
        if (close < 0) {
            parsed.errorOffset = i;
            parsed.error = QStringLiteral("'${' is never closed by '}' (write $$ for a literal $)");
            return parsed;
        }
        const QString inner = text.mid(i + 2, close - i - 2);
        const auto match = referencePattern.match(inner);
        if (!match.hasMatch()) {
            parsed.errorOffset = i;
            parsed.error = QStringLiteral("'${%1}' is not a variable reference: write ${name} or "
                                          "${name:-default} with a name of lower-case letters, "
                                          "digits and '_'")
                               .arg(inner);
            return parsed;
        }
        flush();
        Reference reference;
        reference.name = match.captured(1);
        if (match.hasCaptured(2))
            reference.fallback = match.captured(3);
        reference.offset = i;
        parsed.pieces.append({QString(), reference});
        i = close + 1;
    }
    flush();
    return parsed;
}

std::pair<int, int> positionIn(const Value& value, qsizetype offset)
{
    if (value.text.left(offset).contains(u'\n'))
        return {value.line, value.column};
    return {value.line, value.column + (value.quoted ? 1 : 0) + static_cast<int>(offset)};
}

} // namespace launchdeck::templates
