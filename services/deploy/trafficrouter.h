// The traffic entry point of one environment: a detached HAProxy instance whose backend holds two
// groups of server slots, "blue" and "green", as many in each as the application has replicas. A
// deployment fills the idle group with the new revision's containers and moves weight between
// the groups through the runtime API. The configuration is rewritten (with a seamless reload)
// only when the slots must grow or the health check changes, and then carries the live
// addresses, weights and states, so a reload never moves traffic. Blocking: use from a worker.
#pragma once

#include "core/result.h"
#include "deploy/analysis.h"
#include "traffic/haproxyconfig.h"
#include "traffic/haproxyprocess.h"
#include "traffic/haproxystats.h"

#include <QList>
#include <QMap>
#include <QString>

#include <atomic>
#include <chrono>
#include <optional>

namespace launchdeck::deploy {

inline constexpr char16_t kBlue[] = u"blue";
inline constexpr char16_t kGreen[] = u"green";
// The other group: blue <-> green.
QString otherGroup(const QString& group);
// "blue1", "green3".
QString slotName(const QString& group, int index);

struct TrafficSlot
{
    QString group;
    int index = 1;
    QString address; // "127.0.0.1"; empty while the slot holds no container
    int port = 0;
    int weight = 0;
    bool enabled = false; // false: in maintenance, holding no container
    traffic::ServerStatus status = traffic::ServerStatus::Unknown;
    QString checkStatus; // HAProxy's last check result, e.g. L7OK, L4CON
};

struct TrafficRouterOptions
{
    traffic::HaproxyFolder folder;      // one per environment, under the console's data folder
    QString environment;                // names the backend
    QString listen;                     // the environment's traffic.listen
    QString metricsListen;              // its traffic.metrics: HAProxy's exporter; empty: none
    traffic::HaproxyHealthCheck health; // path from the application's health check
    traffic::HaproxyProcessOptions process;
};

class TrafficRouter final
{
public:
    // Attaches to the instance running in the folder, or starts one; makes sure each group has
    // at least `slotsPerGroup` slots (a reload carrying the live state when it must grow). New
    // slots start in maintenance with weight 0.
    static Result<TrafficRouter> open(const TrafficRouterOptions& options, int slotsPerGroup);

    const TrafficRouterOptions& options() const { return m_options; }
    qint64 pid() const { return m_process.pid(); }

    // The live slots of both groups, in name order, read from HAProxy.
    Result<QList<TrafficSlot>> slotStates() const;
    // Points a slot at a container: address and port set, out of maintenance, weight 0 (checked
    // but sent nothing yet).
    Result<bool> assign(const QString& group, int index, const QString& address, int port);
    // Weight 0 and maintenance: the slot holds no container any more.
    Result<bool> release(const QString& group, int index);
    // Shares traffic between the groups by percent, e.g. {{"blue", 80}, {"green", 20}}; a group's
    // share is spread evenly over its enabled slots (HAProxy weights 0..256). A group left out
    // gets 0.
    Result<bool> setShares(const QMap<QString, int>& percentByGroup);
    // The group carrying the larger share of weight; empty when none carries any.
    Result<QString> activeGroup() const;
    // Waits until every enabled slot of `group` is UP by HAProxy's own checks; fails on timeout
    // (naming the slots still down and their check status) or when `cancel` turns true.
    Result<bool> waitUntilUp(const QString& group, std::chrono::milliseconds timeout,
                             const std::atomic_bool* cancel = nullptr) const;
    // The summed counters of a group's enabled slots.
    Result<TrafficCounters> counters(const QString& group) const;
    // Stops the instance (SIGUSR1, then harder): the environment's entry point goes away.
    Result<bool> stop();

private:
    TrafficRouter(TrafficRouterOptions options, traffic::HaproxyProcess process);

    // Grows the groups of an attached instance to `slotsPerGroup` and applies the wanted health
    // check and exporter frontend, reloading with the live state only when one is needed.
    Result<bool> reconcile(int slotsPerGroup);
    Error failure(const QString& message) const; // where: the instance's folder

    TrafficRouterOptions m_options;
    traffic::HaproxyProcess m_process;
};

} // namespace launchdeck::deploy
