// The history database's schema as ordered migrations: migration i takes user_version i to i+1.
#pragma once

#include <QList>
#include <QStringList>

namespace launchdeck::history_detail {

const QList<QStringList>& migrations();

} // namespace launchdeck::history_detail
