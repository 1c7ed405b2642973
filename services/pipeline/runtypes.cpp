// Names of run and step statuses, as stored in the history and printed by the command line.
#include "pipeline/runtypes.h"

#include <array>

namespace launchdeck {

namespace {
constexpr std::array<std::pair<RunStatus, const char*>, 8> kNames{{
    {RunStatus::Queued, "queued"},
    {RunStatus::Running, "running"},
    {RunStatus::Succeeded, "succeeded"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Skipped, "skipped"},
    {RunStatus::Cancelled, "cancelled"},
    {RunStatus::TimedOut, "timed_out"},
    {RunStatus::Interrupted, "interrupted"},
}};
} // namespace

QString runStatusName(RunStatus status)
{
    for (const auto& [value, name] : kNames) {
        if (value == status)
            return QLatin1String(name);
    }
    return {};
}

std::optional<RunStatus> runStatusFromName(QStringView name)
{
    for (const auto& [value, text] : kNames) {
        if (name == QLatin1String(text))
            return value;
    }
    return std::nullopt;
}

} // namespace launchdeck
