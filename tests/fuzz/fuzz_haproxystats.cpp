// libFuzzer entry for HAProxy's runtime API answers: the same bytes read as `show stat` CSV and
// as a `show servers state` table. Each parser returns rows or an error naming the command; rows
// stay within the lines given, agree with their own status text and flags, and a trailing blank
// line (HAProxy ends every answer with one) changes nothing.
#include "fuzzsupport.h"
#include "traffic/haproxystats.h"

using launchdeck::fuzz::fail;
namespace traffic = launchdeck::traffic;

namespace {

constexpr const char* kName = "fuzz_haproxystats";

template <typename Rows>
void checkError(const launchdeck::Result<Rows>& result, const char* command)
{
    if (!result.ok() && (result.error().message.isEmpty() ||
                         !result.error().where.contains(QLatin1String(command))))
        fail(kName, QStringLiteral("an answer was rejected without naming '%1': %2")
                        .arg(QLatin1String(command), result.error().toString()));
}

template <typename Rows> qsizetype rowCount(const launchdeck::Result<Rows>& result)
{
    return result.ok() ? result->size() : -1;
}

void checkShowStat(const QByteArray& text, qsizetype lineCount)
{
    const auto stats = traffic::parseShowStat(text);
    checkError(stats, "show stat");
    if (rowCount(stats) != rowCount(traffic::parseShowStat(text + '\n')))
        fail(kName, QStringLiteral("a trailing blank line changed the 'show stat' rows"));
    if (!stats.ok())
        return;
    if (stats->size() >= lineCount)
        fail(kName, QStringLiteral("%1 servers from %2 lines").arg(stats->size()).arg(lineCount));
    for (const traffic::HaproxyServerStats& server : *stats) {
        if (server.status != traffic::parseServerStatus(server.statusText))
            fail(kName, QStringLiteral("status '%1' read as %2")
                            .arg(server.statusText, traffic::serverStatusName(server.status)));
        if (server.checkStatus.contains(u'*') || server.checkStatus != server.checkStatus.trimmed())
            fail(kName,
                 QStringLiteral("check status '%1' kept its marker").arg(server.checkStatus));
    }
}

void checkServersState(const QByteArray& text, qsizetype lineCount)
{
    const auto states = traffic::parseShowServersState(text);
    checkError(states, "show servers state");
    if (rowCount(states) != rowCount(traffic::parseShowServersState(text + '\n')))
        fail(kName, QStringLiteral("a trailing blank line changed the 'show servers state' rows"));
    if (!states.ok())
        return;
    if (states->size() >= lineCount)
        fail(kName, QStringLiteral("%1 servers from %2 lines").arg(states->size()).arg(lineCount));
    for (const traffic::HaproxyServerState& state : *states) {
        if (state.inMaintenance() && state.adminState == 0)
            fail(kName, QStringLiteral("maintenance without an admin flag"));
        if (state.isDraining() && state.adminState == 0)
            fail(kName, QStringLiteral("draining without an admin flag"));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray text = launchdeck::fuzz::bytesOf(data, size).toByteArray();
    const qsizetype lineCount = text.count('\n') + 1;
    checkShowStat(text, lineCount);
    checkServersState(text, lineCount);
    return 0;
}
