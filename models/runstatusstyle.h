// How a run or step status looks everywhere it is shown: a translated label, a colour and a
// small round icon, so the runs table and the steps view agree.
#pragma once

#include "pipeline/runtypes.h"

#include <QColor>
#include <QIcon>
#include <QString>

namespace launchdeck {

QString runStatusLabel(RunStatus status);
QColor runStatusColour(RunStatus status);
QIcon runStatusIcon(RunStatus status);
// "1.2 s", "3 min 04 s", "1 h 02 min": short enough for a table column.
QString formatDuration(qint64 ms);

} // namespace launchdeck
