// One environment's alerts worker, on a thread of its own: polls never overlap (a single-shot
// timer is re-armed once a poll has answered), the Alertmanager is asked again after a backoff
// while it cannot be reached, and the local rules are evaluated at every poll regardless.
#pragma once

#include "alerts/alertswatcher.h"
#include "alerts/thresholdevaluator.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSet>

#include <optional>
#include <vector>

class QTimer;

namespace launchdeck::alerts {

class EnvironmentAlertsWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EnvironmentAlertsWorker)

public:
    EnvironmentAlertsWorker(WatchedEnvironment environment, AlertsWatcherOptions options);

    // On the worker's thread, each.
    void start();
    void pollNow();
    void createSilence(quint64 request, const Silence& silence);
    void expireSilence(quint64 request, const QString& silenceId);

Q_SIGNALS:
    void polled(const launchdeck::alerts::EnvironmentAlerts& alerts,
                const QList<launchdeck::alerts::WatchedAlert>& started);
    void silenceCreated(quint64 request, const QString& environment, const QString& silenceId,
                        const QString& error);
    void silenceExpired(quint64 request, const QString& environment, const QString& silenceId,
                        const QString& error);

private:
    void poll();
    void pollAlertmanager(QList<WatchedAlert>& started);
    void evaluateRules(QList<WatchedAlert>& started);
    void failAlertmanager(const QString& error);
    QString unreachable(const QString& action) const;

    WatchedEnvironment m_environment;
    AlertsWatcherOptions m_options;
    std::optional<AlertmanagerClient> m_alertmanager;
    std::optional<prometheus::PrometheusClient> m_prometheus;
    std::vector<ThresholdEvaluator> m_rules;
    QStringList m_ruleProblems; // rules that could not be made
    QTimer* m_timer = nullptr;
    EnvironmentAlerts m_state;
    QList<WatchedAlert> m_alertmanagerAlerts;
    QSet<QString> m_known;   // fingerprints of the Alertmanager's last answer
    bool m_answered = false; // the Alertmanager answered at least once
    QElapsedTimer m_clock;
    qint64 m_nextAttemptMs = 0; // of the Alertmanager, on m_clock
};

} // namespace launchdeck::alerts
