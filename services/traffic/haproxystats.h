// HAProxy's per-server figures: the `show stat` CSV and the `show servers state` table of its
// runtime API, parsed by column name so new columns in later versions do not break them.
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace launchdeck::traffic {

enum class ServerStatus {
    Up,
    Down,
    Maintenance, // MAINT, also "MAINT (via …)" and "MAINT (resolution)"
    Draining,    // DRAIN: checked and kept, but no new traffic
    NoLoadBalancing,
    Unchecked, // "no check"
    Unknown,
};

// One server row of `show stat` (type 2).
struct HaproxyServerStats
{
    QString backend;
    QString server;
    QString statusText; // as HAProxy wrote it, e.g. "UP", "DOWN 1/2", "MAINT (via be/s)"
    ServerStatus status = ServerStatus::Unknown;
    int weight = 0;
    qint64 currentConnections = 0; // scur
    qint64 totalConnections = 0;   // stot
    qint64 totalRequests = 0;      // req_tot
    qint64 http2xx = 0;            // hrsp_2xx
    qint64 http3xx = 0;            // hrsp_3xx
    qint64 http4xx = 0;            // hrsp_4xx
    qint64 http5xx = 0;            // hrsp_5xx
    qint64 connectionErrors = 0;   // econ
    qint64 responseErrors = 0;     // eresp
    int responseTimeMs = 0;        // rtime: average over the last 1024 requests
    QString checkStatus;           // e.g. L7OK, L7STS, L4CON; empty when not checked
    int checkCode = 0;             // the HTTP status of the last check, 0 when none
    QString address;               // "ip:port"
    // A check is under way: checkStatus is still the previous one (HAProxy marks it with '*').
    bool checkRunning = false;
};

// One row of `show servers state`: the configured and runtime state HAProxy would carry over.
struct HaproxyServerState
{
    QString backend;
    QString server;
    QString address;
    int port = 0;
    int operationalState = 0; // 0 stopped, 1 starting, 2 running, 3 stopping
    int adminState = 0;       // bit field: maintenance and drain flags
    int userWeight = 0;       // the weight in effect
    int initialWeight = 0;    // the weight from the configuration

    bool inMaintenance() const;
    bool isDraining() const;
};

ServerStatus parseServerStatus(const QString& text);
QString serverStatusName(ServerStatus status); // "UP", "DOWN", "MAINT", "DRAIN", …

// Only server rows; FRONTEND and BACKEND aggregates are left out.
Result<QList<HaproxyServerStats>> parseShowStat(const QByteArray& csv);
Result<QList<HaproxyServerState>> parseShowServersState(const QByteArray& text);

} // namespace launchdeck::traffic
