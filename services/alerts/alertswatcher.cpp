// The alerts watcher's threads, one per environment, and the answers they send back.
#include "alerts/alertswatcher.h"

#include "alerts/environmentalertsworker.h"

#include <QThread>

namespace launchdeck::alerts {

QString alertmanagerSource()
{
    return QStringLiteral("Alertmanager");
}

QString WatchedAlert::application() const
{
    const QString application = alert.labels.value(QStringLiteral("application"));
    return application.isEmpty() ? alert.labels.value(QStringLiteral("app")) : application;
}

AlertsWatcher::AlertsWatcher(QList<WatchedEnvironment> environments, AlertsWatcherOptions options,
                             QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<WatchedAlert>();
    qRegisterMetaType<EnvironmentAlerts>();
    qRegisterMetaType<QList<WatchedAlert>>();
    for (WatchedEnvironment& environment : environments) {
        Entry entry;
        entry.name = environment.name;
        entry.thread = std::make_unique<QThread>();
        entry.thread->setObjectName(QStringLiteral("alerts:") + environment.name);
        EnvironmentAlerts initial;
        initial.environment = environment.name;
        initial.hasAlertmanager =
            environment.alertmanager.has_value() || !environment.alertmanagerProblem.isEmpty();
        m_snapshots.insert(environment.name, initial);
        entry.worker = new EnvironmentAlertsWorker(std::move(environment), options);
        entry.worker->moveToThread(entry.thread.get());
        connect(entry.thread.get(), &QThread::finished, entry.worker, &QObject::deleteLater);
        connect(entry.worker, &EnvironmentAlertsWorker::polled, this,
                [this](const EnvironmentAlerts& alerts, const QList<WatchedAlert>& started) {
                    m_snapshots.insert(alerts.environment, alerts);
                    Q_EMIT alertsChanged(alerts);
                    for (const WatchedAlert& alert : started)
                        Q_EMIT alertStarted(alert);
                });
        connect(entry.worker, &EnvironmentAlertsWorker::silenceCreated, this,
                &AlertsWatcher::silenceCreated);
        connect(entry.worker, &EnvironmentAlertsWorker::silenceExpired, this,
                &AlertsWatcher::silenceExpired);
        m_entries.push_back(std::move(entry));
    }
}

AlertsWatcher::~AlertsWatcher()
{
    for (Entry& entry : m_entries)
        entry.thread->quit();
    for (Entry& entry : m_entries)
        entry.thread->wait();
}

void AlertsWatcher::start()
{
    for (Entry& entry : m_entries) {
        if (entry.thread->isRunning())
            continue;
        entry.thread->start();
        QMetaObject::invokeMethod(entry.worker, &EnvironmentAlertsWorker::start,
                                  Qt::QueuedConnection);
    }
}

void AlertsWatcher::refreshNow(const QString& environment)
{
    for (Entry& entry : m_entries) {
        if (environment.isEmpty() || entry.name == environment)
            QMetaObject::invokeMethod(entry.worker, &EnvironmentAlertsWorker::pollNow,
                                      Qt::QueuedConnection);
    }
}

QStringList AlertsWatcher::environments() const
{
    QStringList names;
    for (const Entry& entry : m_entries)
        names.append(entry.name);
    return names;
}

int AlertsWatcher::firingCount() const
{
    int firing = 0;
    for (const EnvironmentAlerts& environment : m_snapshots) {
        for (const WatchedAlert& alert : environment.alerts)
            firing += alert.alert.state == u"active" ? 1 : 0;
    }
    return firing;
}

EnvironmentAlertsWorker* AlertsWatcher::workerOf(const QString& environment) const
{
    for (const Entry& entry : m_entries) {
        if (entry.name == environment)
            return entry.worker;
    }
    return nullptr;
}

quint64 AlertsWatcher::createSilence(const QString& environment, const Silence& silence)
{
    const quint64 request = ++m_lastRequest;
    EnvironmentAlertsWorker* worker = workerOf(environment);
    if (!worker) {
        // Answered as the workers answer: after the caller has connected.
        QMetaObject::invokeMethod(
            this,
            [this, request, environment] {
                Q_EMIT silenceCreated(request, environment, {},
                                      tr("no environment %1 is watched").arg(environment));
            },
            Qt::QueuedConnection);
        return request;
    }
    QMetaObject::invokeMethod(
        worker, [worker, request, silence] { worker->createSilence(request, silence); },
        Qt::QueuedConnection);
    return request;
}

quint64 AlertsWatcher::expireSilence(const QString& environment, const QString& silenceId)
{
    const quint64 request = ++m_lastRequest;
    EnvironmentAlertsWorker* worker = workerOf(environment);
    if (!worker) {
        QMetaObject::invokeMethod(
            this,
            [this, request, environment, silenceId] {
                Q_EMIT silenceExpired(request, environment, silenceId,
                                      tr("no environment %1 is watched").arg(environment));
            },
            Qt::QueuedConnection);
        return request;
    }
    QMetaObject::invokeMethod(
        worker, [worker, request, silenceId] { worker->expireSilence(request, silenceId); },
        Qt::QueuedConnection);
    return request;
}

} // namespace launchdeck::alerts
