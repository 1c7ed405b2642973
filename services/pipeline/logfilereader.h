// Reading a finished run's step logs back from its folder into log chunks, newest lines only,
// for runs whose live output this console did not see. Blocking: call it off the GUI thread.
#pragma once

#include "pipeline/logbatch.h"

namespace launchdeck {

// The last `maxLines` lines of the log file at `path` (reading at most `maxBytes` from its
// end), as chunks of `step` in run `runId`; every line gets `timeMs`.
LogBatch readLogTail(const QString& runId, const QString& step, const QString& path,
                     qsizetype maxLines, qint64 maxBytes = 64 * 1024 * 1024, qint64 timeMs = 0);

} // namespace launchdeck
