// The coloured dot that says a connection's state beside its name (Docker hosts, clusters).
#pragma once

#include <QColor>
#include <QIcon>

namespace launchdeck {

QIcon statusDot(const QColor& colour);

} // namespace launchdeck
