// Compose's variable interpolation syntax ($VAR, ${VAR}, ${VAR:-default}, $$ ...), checked
// without knowing the values, as docker compose does before it reads the file.
#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace launchdeck {

struct InterpolationError
{
    qsizetype offset = 0; // of the offending '$' in the text
    QString message;
};

std::optional<InterpolationError> checkComposeInterpolation(QStringView text);

// True when the value depends on variables, so its final type is known only when interpolated.
bool hasComposeInterpolation(QStringView text);

} // namespace launchdeck
