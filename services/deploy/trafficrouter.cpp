// The blue/green slots of an environment's HAProxy: opening (start, attach, grow with a reload
// that carries the live state), pointing slots at containers, shares, health and counters.
#include "deploy/trafficrouter.h"

#include <QFile>
#include <QHash>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QStringList>
#include <QThread>

#include <algorithm>
#include <cmath>

Q_LOGGING_CATEGORY(lcTrafficRouter, "launchdeck.deploy.traffic")

namespace launchdeck::deploy {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using traffic::HaproxyConfig;
using traffic::HaproxyServer;
using traffic::ServerAdminState;
using traffic::ServerStatus;

constexpr int maxSlotsPerGroup = 64;
constexpr auto pollInterval = 100ms;

const QStringList& groups()
{
    static const QStringList names{QStringView(kBlue).toString(), QStringView(kGreen).toString()};
    return names;
}

bool isGroup(const QString& group)
{
    return groups().contains(group);
}

// "green3" -> {"green", 3}; nullopt for a server that is not a slot.
std::optional<std::pair<QString, int>> parseSlotName(const QString& name)
{
    static const QRegularExpression pattern(QStringLiteral("^(blue|green)([1-9][0-9]{0,3})$"));
    const QRegularExpressionMatch match = pattern.match(name);
    if (!match.hasMatch())
        return std::nullopt;
    return std::pair{match.captured(1), match.captured(2).toInt()};
}

bool slotOrder(const TrafficSlot& a, const TrafficSlot& b)
{
    if (a.group != b.group)
        return groups().indexOf(a.group) < groups().indexOf(b.group);
    return a.index < b.index;
}

// One server of the backend as HAProxy runs it now.
struct LiveServer
{
    traffic::HaproxyServerState state;
    std::optional<traffic::HaproxyServerStats> stats;

    // `disabled` in the configuration leaves a flag in the admin state even after the server was
    // set ready, so the status of `show stat` is what says whether it is in maintenance.
    bool enabled() const
    {
        return stats ? stats->status != ServerStatus::Maintenance : !state.inMaintenance();
    }
};

// UP by a check that ran since the slot last changed. Leaving maintenance a server reads UP at
// once, shown "UP 1/2" (one failure from DOWN) with the previous check's result and a check
// under way, so only a finished, passed check with full health counts.
bool isCheckedUp(const traffic::HaproxyServerStats& stats)
{
    static const QStringList passed{QStringLiteral("L4OK"), QStringLiteral("L6OK"),
                                    QStringLiteral("L7OK"), QStringLiteral("L7OKC")};
    return stats.status == ServerStatus::Up && stats.statusText == u"UP" && !stats.checkRunning &&
           passed.contains(stats.checkStatus);
}

Result<QList<LiveServer>> readLive(const traffic::HaproxyRuntime& runtime, const QString& backend)
{
    Result<QList<traffic::HaproxyServerState>> states = runtime.serversState();
    if (!states)
        return states.error();
    Result<QList<traffic::HaproxyServerStats>> stats = runtime.stats();
    if (!stats)
        return stats.error();
    QHash<QString, traffic::HaproxyServerStats> statsByName;
    for (const traffic::HaproxyServerStats& s : *stats) {
        if (s.backend == backend)
            statsByName.insert(s.server, s);
    }
    QList<LiveServer> live;
    for (const traffic::HaproxyServerState& state : *states) {
        if (state.backend != backend)
            continue;
        LiveServer server{state, std::nullopt};
        if (const auto it = statsByName.constFind(state.server); it != statsByName.cend())
            server.stats = *it;
        live.append(std::move(server));
    }
    return live;
}

// The configuration lines that define the health check, for telling whether the running
// configuration checks differently from the one wanted.
QList<QByteArray> healthLines(const QByteArray& config)
{
    QList<QByteArray> lines;
    for (const QByteArray& line : config.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (trimmed.startsWith("option httpchk") || trimmed.startsWith("http-check ") ||
            trimmed.startsWith("default-server "))
            lines.append(trimmed);
    }
    return lines;
}

// The exporter's frontend as configured, for telling whether it must be added, moved or
// dropped: its section's lines up to the blank line that ends it.
QList<QByteArray> metricsLines(const QByteArray& config, const QString& environment)
{
    const QByteArray header = "frontend " + environment.toUtf8() + "_metrics";
    QList<QByteArray> lines;
    bool inside = false;
    for (const QByteArray& line : config.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (trimmed == header)
            inside = true;
        else if (inside && trimmed.isEmpty())
            break;
        if (inside)
            lines.append(trimmed);
    }
    return lines;
}

HaproxyConfig baseConfig(const TrafficRouterOptions& options)
{
    HaproxyConfig config;
    config.environment = options.environment;
    config.listen = options.listen;
    config.metricsListen = options.metricsListen;
    config.health = options.health;
    return config;
}

HaproxyServer emptySlot(const QString& group, int index)
{
    HaproxyServer server{slotName(group, index), QString(), 0, 0};
    server.disabled = true;
    return server;
}

QString describeShares(const QMap<QString, int>& percentByGroup)
{
    QStringList parts;
    for (auto it = percentByGroup.cbegin(); it != percentByGroup.cend(); ++it)
        parts.append(it.key() + u' ' + QString::number(it.value()) + u'%');
    return parts.join(u", ");
}

} // namespace

QString otherGroup(const QString& group)
{
    return group == kBlue ? QStringView(kGreen).toString() : QStringView(kBlue).toString();
}

QString slotName(const QString& group, int index)
{
    return group + QString::number(index);
}

TrafficRouter::TrafficRouter(TrafficRouterOptions options, traffic::HaproxyProcess process)
    : m_options(std::move(options))
    , m_process(std::move(process))
{}

Error TrafficRouter::failure(const QString& message) const
{
    return Error{message, u"haproxy " + m_options.folder.path};
}

Result<TrafficRouter> TrafficRouter::open(const TrafficRouterOptions& options, int slotsPerGroup)
{
    const QString where = u"haproxy " + options.folder.path;
    if (slotsPerGroup < 1 || slotsPerGroup > maxSlotsPerGroup)
        return Error{QStringLiteral("%1 slots per group is not from 1 to %2")
                         .arg(slotsPerGroup)
                         .arg(maxSlotsPerGroup),
                     where};

    if (Result<traffic::HaproxyProcess> attached =
            traffic::HaproxyProcess::attach(options.folder, options.process)) {
        TrafficRouter router(options, std::move(attached).value());
        if (Result<bool> grown = router.reconcile(slotsPerGroup); !grown)
            return grown.error();
        return router;
    }

    HaproxyConfig config = baseConfig(options);
    for (const QString& group : groups()) {
        for (int index = 1; index <= slotsPerGroup; ++index)
            config.servers.append(emptySlot(group, index));
    }
    Result<QByteArray> text = traffic::renderHaproxyConfig(config, options.folder);
    if (!text)
        return text.error();
    Result<traffic::HaproxyProcess> started =
        traffic::HaproxyProcess::start(options.folder, *text, options.process);
    if (!started)
        return started.error();
    qCInfo(lcTrafficRouter) << "started the entry point of" << options.environment << "with"
                            << slotsPerGroup << "slots per group, pid" << started->pid();
    return TrafficRouter(options, std::move(started).value());
}

Result<bool> TrafficRouter::reconcile(int slotsPerGroup)
{
    Result<QList<LiveServer>> live = readLive(m_process.runtime(), m_options.environment);
    if (!live)
        return live.error();

    // HAProxy forgets runtime addresses, weights and states on a reload: write them all down.
    HaproxyConfig config = baseConfig(m_options);
    QList<std::pair<QString, int>> present;
    QList<HaproxyServer> others;
    QHash<QString, HaproxyServer> slotServers;
    for (const LiveServer& server : std::as_const(*live)) {
        HaproxyServer written{server.state.server, server.state.address, server.state.port,
                              server.state.userWeight};
        written.disabled = !server.enabled();
        if (written.disabled &&
            (written.address.isEmpty() || written.address == u"-" || written.port < 1)) {
            written.address.clear();
            written.port = 0;
        }
        if (const auto slot = parseSlotName(written.name)) {
            present.append(*slot);
            slotServers.insert(written.name, written);
        } else {
            others.append(written);
        }
    }
    int added = 0;
    for (const QString& group : groups()) {
        for (int index = 1; index <= slotsPerGroup; ++index) {
            if (!present.contains(std::pair{group, index})) {
                present.append({group, index});
                slotServers.insert(slotName(group, index), emptySlot(group, index));
                ++added;
            }
        }
    }
    std::sort(present.begin(), present.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? groups().indexOf(a.first) < groups().indexOf(b.first)
                                  : a.second < b.second;
    });
    for (const auto& [group, index] : std::as_const(present))
        config.servers.append(slotServers.value(slotName(group, index)));
    config.servers.append(others);

    Result<QByteArray> text = traffic::renderHaproxyConfig(config, m_options.folder);
    if (!text)
        return text.error();
    QFile running(m_options.folder.configPath());
    if (!running.open(QIODevice::ReadOnly))
        return Error{u"cannot read the running configuration: " + running.errorString(),
                     m_options.folder.configPath()};
    const QByteArray runningText = running.readAll();
    const bool healthChanged = healthLines(runningText) != healthLines(*text);
    const bool metricsChanged = metricsLines(runningText, m_options.environment) !=
                                metricsLines(*text, m_options.environment);
    if (added == 0 && !healthChanged && !metricsChanged)
        return true;

    const qint64 previous = m_process.pid();
    if (Result<bool> reloaded = m_process.reload(*text); !reloaded)
        return reloaded.error();
    qCInfo(lcTrafficRouter) << "reloaded the entry point of" << m_options.environment << "("
                            << added << "new slots," << (healthChanged ? "new" : "same")
                            << "health check," << (metricsChanged ? "new" : "same")
                            << "exporter), pid" << previous << "->" << m_process.pid();
    return true;
}

Result<QList<TrafficSlot>> TrafficRouter::slotStates() const
{
    Result<QList<LiveServer>> live = readLive(m_process.runtime(), m_options.environment);
    if (!live)
        return live.error();
    QList<TrafficSlot> result;
    for (const LiveServer& server : std::as_const(*live)) {
        const auto name = parseSlotName(server.state.server);
        if (!name)
            continue;
        TrafficSlot slot;
        slot.group = name->first;
        slot.index = name->second;
        slot.enabled = server.enabled();
        // A slot in maintenance holds no container, whatever address it last pointed at.
        if (slot.enabled) {
            slot.address = server.state.address;
            slot.port = server.state.port;
        }
        slot.weight = server.stats ? server.stats->weight : server.state.userWeight;
        if (server.stats) {
            slot.status = server.stats->status;
            slot.checkStatus = server.stats->checkStatus;
        }
        result.append(std::move(slot));
    }
    std::sort(result.begin(), result.end(), slotOrder);
    return result;
}

Result<bool> TrafficRouter::assign(const QString& group, int index, const QString& address,
                                   int port)
{
    if (!isGroup(group))
        return failure(u"there is no group '" + group + u"', only blue and green");
    if (address.isEmpty() || port < 1 || port > 65535)
        return failure(QStringLiteral("cannot point %1 at '%2' port %3")
                           .arg(slotName(group, index), address)
                           .arg(port));
    const traffic::HaproxyRuntime runtime = m_process.runtime();
    const QString backend = m_options.environment;
    const QString server = slotName(group, index);
    // Through maintenance, so the slot leaves it DOWN and only its own checks bring it UP: a
    // check result from the previous container must not count for the new one.
    if (Result<bool> r = runtime.setWeight(backend, server, 0); !r)
        return r;
    if (Result<bool> r = runtime.setState(backend, server, ServerAdminState::Maintenance); !r)
        return r;
    if (Result<bool> r = runtime.setAddress(backend, server, address, port); !r)
        return r;
    if (Result<bool> r = runtime.setState(backend, server, ServerAdminState::Ready); !r)
        return r;
    qCInfo(lcTrafficRouter) << backend << server << "->" << address << port;
    return true;
}

Result<bool> TrafficRouter::release(const QString& group, int index)
{
    if (!isGroup(group))
        return failure(u"there is no group '" + group + u"', only blue and green");
    const traffic::HaproxyRuntime runtime = m_process.runtime();
    const QString server = slotName(group, index);
    if (Result<bool> r = runtime.setWeight(m_options.environment, server, 0); !r)
        return r;
    if (Result<bool> r =
            runtime.setState(m_options.environment, server, ServerAdminState::Maintenance);
        !r)
        return r;
    qCInfo(lcTrafficRouter) << m_options.environment << server << "released";
    return true;
}

Result<bool> TrafficRouter::setShares(const QMap<QString, int>& percentByGroup)
{
    int total = 0;
    for (auto it = percentByGroup.cbegin(); it != percentByGroup.cend(); ++it) {
        if (!isGroup(it.key()))
            return failure(u"cannot share traffic as " + describeShares(percentByGroup) +
                           u": there is no group '" + it.key() + u"', only blue and green");
        if (it.value() < 0 || it.value() > 100)
            return failure(u"cannot share traffic as " + describeShares(percentByGroup) +
                           u": a share must be from 0 to 100%");
        total += it.value();
    }
    if (total > 100)
        return failure(u"cannot share traffic as " + describeShares(percentByGroup) +
                       QStringLiteral(": the shares add up to %1%, over 100%").arg(total));

    Result<QList<TrafficSlot>> current = slotStates();
    if (!current)
        return current.error();
    QHash<QString, int> enabledCount;
    for (const TrafficSlot& slot : std::as_const(*current)) {
        if (slot.enabled)
            ++enabledCount[slot.group];
    }
    for (const QString& group : groups()) {
        if (percentByGroup.value(group) > 0 && enabledCount.value(group) == 0)
            return failure(u"cannot share traffic as " + describeShares(percentByGroup) +
                           u": group " + group + u" has no slot holding a container");
    }

    struct Change
    {
        QString server;
        int from = 0;
        int to = 0;
    };
    QList<Change> changes;
    for (const TrafficSlot& slot : std::as_const(*current)) {
        const int share = percentByGroup.value(slot.group);
        int weight = 0;
        if (slot.enabled && share > 0) {
            const double exact = share * 256.0 / 100.0 / enabledCount.value(slot.group);
            weight = std::clamp(static_cast<int>(std::lround(exact)), 1, 256);
        }
        if (weight != slot.weight)
            changes.append({slotName(slot.group, slot.index), slot.weight, weight});
    }
    // Raise before lowering: lowering first could leave every slot at 0 for a moment, and
    // HAProxy would answer 503 to whatever arrived then.
    std::stable_partition(changes.begin(), changes.end(),
                          [](const Change& change) { return change.to > change.from; });
    const traffic::HaproxyRuntime runtime = m_process.runtime();
    for (const Change& change : std::as_const(changes)) {
        if (Result<bool> r = runtime.setWeight(m_options.environment, change.server, change.to); !r)
            return r;
    }
    qCInfo(lcTrafficRouter) << m_options.environment << "shares" << describeShares(percentByGroup);
    return true;
}

Result<QString> TrafficRouter::activeGroup() const
{
    Result<QList<TrafficSlot>> current = slotStates();
    if (!current)
        return current.error();
    QHash<QString, int> totals;
    for (const TrafficSlot& slot : std::as_const(*current)) {
        if (slot.enabled)
            totals[slot.group] += slot.weight;
    }
    const int blue = totals.value(QStringView(kBlue).toString());
    const int green = totals.value(QStringView(kGreen).toString());
    if (blue == 0 && green == 0)
        return QString();
    // An even split has no larger side; blue, the first group, stands for it.
    return green > blue ? QStringView(kGreen).toString() : QStringView(kBlue).toString();
}

Result<bool> TrafficRouter::waitUntilUp(const QString& group, std::chrono::milliseconds timeout,
                                        const std::atomic_bool* cancel) const
{
    if (!isGroup(group))
        return failure(u"there is no group '" + group + u"', only blue and green");
    const auto cancelled = [cancel] {
        return cancel && cancel->load();
    };
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (cancelled())
            return failure(QStringLiteral("cancelled"));
        Result<QList<LiveServer>> live = readLive(m_process.runtime(), m_options.environment);
        if (!live)
            return live.error();
        QStringList notUp;
        int enabled = 0;
        for (const LiveServer& server : std::as_const(*live)) {
            const auto name = parseSlotName(server.state.server);
            if (!name || name->first != group || !server.enabled())
                continue;
            ++enabled;
            if (server.stats && isCheckedUp(*server.stats))
                continue;
            QString text = server.state.server + u' ' +
                           (server.stats ? traffic::serverStatusName(server.stats->status)
                                         : QStringLiteral("unknown"));
            if (server.stats && server.stats->checkRunning)
                text += QStringLiteral(" (checking)");
            else if (server.stats && !server.stats->checkStatus.isEmpty())
                text += u" (" + server.stats->checkStatus + u')';
            notUp.append(text);
        }
        if (enabled == 0)
            return failure(u"group " + group + u" has no slot holding a container to wait for");
        if (notUp.isEmpty())
            return true;
        if (Clock::now() >= deadline)
            return failure(QStringLiteral("group %1 not UP after %2 ms: %3")
                               .arg(group)
                               .arg(timeout.count())
                               .arg(notUp.join(u", ")));
        // Sleep in short steps so a cancel is seen well within one poll interval.
        const auto wake = std::min(Clock::now() + pollInterval, deadline);
        while (Clock::now() < wake) {
            if (cancelled())
                return failure(QStringLiteral("cancelled"));
            QThread::msleep(10);
        }
    }
}

Result<TrafficCounters> TrafficRouter::counters(const QString& group) const
{
    if (!isGroup(group))
        return failure(u"there is no group '" + group + u"', only blue and green");
    Result<QList<LiveServer>> live = readLive(m_process.runtime(), m_options.environment);
    if (!live)
        return live.error();
    TrafficCounters counters;
    qint64 timeSum = 0;
    int answering = 0;
    for (const LiveServer& server : std::as_const(*live)) {
        const auto name = parseSlotName(server.state.server);
        if (!name || name->first != group || !server.enabled() || !server.stats)
            continue;
        const traffic::HaproxyServerStats& s = *server.stats;
        counters.requests += s.totalRequests;
        counters.http5xx += s.http5xx;
        counters.failures += s.connectionErrors + s.responseErrors;
        if (s.totalRequests > 0) {
            timeSum += s.responseTimeMs;
            ++answering;
        }
    }
    if (answering > 0)
        counters.responseTimeMs = static_cast<int>(std::lround(double(timeSum) / answering));
    return counters;
}

Result<bool> TrafficRouter::stop()
{
    const qint64 pid = m_process.pid();
    if (Result<bool> stopped = m_process.stop(); !stopped)
        return stopped;
    qCInfo(lcTrafficRouter) << "stopped the entry point of" << m_options.environment << "pid"
                            << pid;
    return true;
}

} // namespace launchdeck::deploy
