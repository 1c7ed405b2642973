// Built-in step kinds that run in-process on a pool thread (validate, http_check, load_test),
// reached through an interface so the runner depends on neither the validation nor the HTTP
// engines: whoever builds the runner gives it theirs.
#pragma once

#include "pipeline/pipeline.h"
#include "pipeline/runtypes.h"

#include <QMutex>
#include <QStringList>

#include <atomic>
#include <memory>

namespace launchdeck {

// Shared between the runner thread and the pool thread running a built-in step.
class BuiltinChannel final
{
public:
    std::atomic_bool cancel{false};

    void append(const QString& line)
    {
        const QMutexLocker lock(&m_mutex);
        m_lines.append(line);
    }
    QStringList take()
    {
        const QMutexLocker lock(&m_mutex);
        QStringList lines;
        lines.swap(m_lines);
        return lines;
    }

private:
    QMutex m_mutex;
    QStringList m_lines;
};

struct BuiltinOutcome
{
    RunStatus status = RunStatus::Succeeded; // succeeded, failed or cancelled
    QString message;
};

class StepEngines
{
public:
    virtual ~StepEngines() = default;
    // Blocking; called on a pool thread. They report progress and results as lines on `channel`
    // and return early once channel.cancel is set.
    virtual BuiltinOutcome httpCheck(const HttpCheckStep& step, BuiltinChannel& channel) const = 0;
    virtual BuiltinOutcome loadTest(const LoadTestStep& step, BuiltinChannel& channel) const = 0;
    // Validates `step.path` (below `workspace`) at the step's level: fails when a finding would
    // block a deploy at that level.
    virtual BuiltinOutcome validate(const ValidateStep& step, const QString& workspace,
                                    BuiltinChannel& channel) const = 0;
};

} // namespace launchdeck
