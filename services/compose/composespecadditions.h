// The Compose Specification's additions since the schema Debian's docker-compose ships, kept as
// Launchdeck's own reviewable JSON file (composespec-additions.json) and applied to that schema
// when it is loaded.
#pragma once

#include <QJsonObject>
#include <QString>

namespace launchdeck {

// Applies every addition to `schema` in place. Returns an empty string, or what could not be
// applied: an addition whose parent location the base schema lacks means the base changed under
// the file, and silently skipping it would leave a key unknown again.
QString applyComposeSpecAdditions(QJsonObject& schema);

} // namespace launchdeck
