// The variable syntax of template values: ${name}, ${name:-default}, ${resources.web.host},
// and $$ for a literal dollar sign.
#pragma once

#include "templates/template.h"

#include <QList>
#include <QString>

#include <optional>

namespace launchdeck::templates {

struct Reference
{
    QString name; // "image_tag", or "resources.edge.host"
    std::optional<QString> fallback;
    qsizetype offset = 0; // of the '$' in the value's text
};

struct TextPiece
{
    QString literal; // when not a reference
    std::optional<Reference> reference;
};

struct ParsedText
{
    QList<TextPiece> pieces;
    std::optional<qsizetype> errorOffset; // an unterminated or malformed ${...}
    QString error;
};

ParsedText parseText(const QString& text);

// Line and column of a character of a value (exact for values written on one line).
std::pair<int, int> positionIn(const Value& value, qsizetype offset);

bool isVariableName(QStringView name);

} // namespace launchdeck::templates
