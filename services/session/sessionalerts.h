// The workspace session's alerts and notifications: the alerts watcher over the environments'
// Alertmanagers and the local threshold rules, made again only when what it watches changes on
// reload, and the webhook notifier. It decides what is news: an alert that starts firing in a
// watched environment, a deployment that failed or rolled back.
#pragma once

#include "alerts/alertswatcher.h"
#include "alerts/notificationevent.h"
#include "alerts/webhooknotifier.h"
#include "workspace/workspace.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <memory>

namespace launchdeck {

enum class DeploymentStatus;

class SessionAlerts final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionAlerts)

public:
    // The log of webhook deliveries is `dataDir`/notifications.log (none without a dataDir).
    SessionAlerts(QString dataDir, bool useKeyring, alerts::AlertsWatcherOptions options = {},
                  QObject* parent = nullptr);
    ~SessionAlerts() override;

    // Watches what `workspace` names; the same servers, rules and webhook keep what they have.
    // Secrets are looked up (process environment, then keyring) first.
    void apply(const Workspace& workspace);

    // Null while no environment has an Alertmanager or a rule.
    alerts::AlertsWatcher* watcher() const { return m_watcher.get(); }
    // Null while no webhook is set.
    alerts::WebhookNotifier* notifier() const { return m_notifier.get(); }
    const Notifications& settings() const { return m_settings; }
    // For the next notifier made (tests shorten the backoff).
    void setWebhookOptions(const alerts::WebhookOptions& options) { m_webhookOptions = options; }
    QString notificationLogPath() const;

    // From the session: a deployment ended.
    void deploymentEnded(const QString& application, const QString& environment,
                         DeploymentStatus status, const QString& message,
                         const QString& deploymentId);

Q_SIGNALS:
    // The new watcher, started (or null); the previous one is deleted once receivers return.
    void watcherChanged(launchdeck::alerts::AlertsWatcher* watcher);
    // Something to tell people about; the webhook (when set) has been given it. The console
    // shows it on the desktop when the workspace asks for that (settings().desktop).
    void notificationRaised(const launchdeck::alerts::NotificationEvent& event);

private:
    void build(const Workspace& workspace, const QHash<QString, QString>& secrets);
    void buildNotifier(const Notifications& notifications, const QHash<QString, QString>& secrets);
    void raise(const alerts::NotificationEvent& event);
    void alertStarted(const alerts::WatchedAlert& alert);

    QString m_dataDir;
    bool m_useKeyring;
    alerts::AlertsWatcherOptions m_options;
    alerts::WebhookOptions m_webhookOptions;
    Notifications m_settings;
    QString m_watchKey;   // what made the watcher, secrets' names but never their values
    QString m_webhookKey; // the same for the notifier
    bool m_rebuildWatcher = false;
    bool m_rebuildNotifier = false;
    quint64 m_generation = 0; // drops secret lookups superseded by a reload
    std::unique_ptr<alerts::AlertsWatcher> m_watcher;
    std::unique_ptr<alerts::WebhookNotifier> m_notifier;
};

} // namespace launchdeck
