// The alerts of every environment, kept current: one worker thread per environment polls its
// Alertmanager (API v2) for alerts and silences, backing off while it cannot be reached, and
// evaluates the workspace's local threshold rules for that environment on its Prometheus. Each
// poll answers with the environment's whole list; alerts that start firing are also signalled
// one by one, for notifications. Silences are created and expired off the caller's thread.
#pragma once

#include "alerts/alertmanagerclient.h"
#include "prometheus/prometheusserver.h"
#include "prometheus/prometheustypes.h"
#include "workspace/workspace.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

class QThread;

namespace launchdeck::alerts {

class EnvironmentAlertsWorker;

// An alert as the console lists it: from an environment's Alertmanager or a local rule.
struct WatchedAlert
{
    QString environment;
    QString source; // "Alertmanager" or "Launchdeck rule"
    Alert alert;
    // The `application` label, else `app`; empty when the alert names none.
    QString application() const;
    // Unique within the environment.
    QString key() const { return source + u'/' + alert.fingerprint; }
};

// What one environment's watcher knows after a poll.
struct EnvironmentAlerts
{
    QString environment;
    bool hasAlertmanager = false;
    // Connected, or Disconnected with the error, the attempt and the backoff.
    prometheus::ServerStatus alertmanager;
    QDateTime lastAnswer; // of the Alertmanager; its alerts below are as of then
    QString rulesError;   // why the last evaluation of a local rule failed; empty when none did
    int pendingRules = 0; // rule series met but not yet for long enough
    QList<WatchedAlert> alerts; // the Alertmanager's (active and suppressed), then the rules'
    QList<Silence> silences;    // the Alertmanager's, expired ones left out
};

// How one environment is reached; made by the session from the workspace and its secrets.
struct WatchedEnvironment
{
    QString name;
    std::optional<prometheus::ServerEndpoint> alertmanager;
    std::optional<prometheus::ServerEndpoint> prometheus;
    QList<ThresholdRule> rules;
    // Why a server named in the workspace could not be reached at all (a missing secret): shown
    // as its error in place of the answers.
    QString alertmanagerProblem;
    QString prometheusProblem;
};

struct AlertsWatcherOptions
{
    int pollIntervalMs = 5'000;
    int firstBackoffMs = 1'000; // doubled per failed attempt…
    int maxBackoffMs = 30'000;  // …up to this
};

class AlertsWatcher final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AlertsWatcher)

public:
    AlertsWatcher(QList<WatchedEnvironment> environments, AlertsWatcherOptions options = {},
                  QObject* parent = nullptr);
    // Joins the workers' threads; a poll under way finishes by its timeout first.
    ~AlertsWatcher() override;

    void start();
    // Polls at once rather than when the interval or the backoff ends.
    void refreshNow(const QString& environment = {});

    QStringList environments() const;
    // The last answer of each environment, as seen on this object's thread.
    const QMap<QString, EnvironmentAlerts>& snapshots() const { return m_snapshots; }
    // Active (not suppressed) alerts of every environment.
    int firingCount() const;

    // Asynchronous; each answers once with the id returned. The environment's list follows.
    quint64 createSilence(const QString& environment, const Silence& silence);
    quint64 expireSilence(const QString& environment, const QString& silenceId);

Q_SIGNALS:
    void alertsChanged(const launchdeck::alerts::EnvironmentAlerts& alerts);
    // An alert not in the environment's previous list, active: began firing. Alertmanager's
    // alerts already firing at the first answer are listed, not signalled.
    void alertStarted(const launchdeck::alerts::WatchedAlert& alert);
    void silenceCreated(quint64 request, const QString& environment, const QString& silenceId,
                        const QString& error);
    void silenceExpired(quint64 request, const QString& environment, const QString& silenceId,
                        const QString& error);

private:
    struct Entry
    {
        QString name;
        std::unique_ptr<QThread> thread;
        EnvironmentAlertsWorker* worker = nullptr; // lives on thread
    };
    EnvironmentAlertsWorker* workerOf(const QString& environment) const;

    std::vector<Entry> m_entries;
    QMap<QString, EnvironmentAlerts> m_snapshots;
    quint64 m_lastRequest = 0;
};

// "Alertmanager": the source of the alerts an environment's Alertmanager holds.
QString alertmanagerSource();

} // namespace launchdeck::alerts

Q_DECLARE_METATYPE(launchdeck::alerts::WatchedAlert)
Q_DECLARE_METATYPE(launchdeck::alerts::EnvironmentAlerts)
