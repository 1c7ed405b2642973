// The session's alerts watcher and webhook, and the notifications they raise.
#include "sessionalerts.h"

#include "deploy/deploymentrecord.h"
#include "pipeline/secretresolver.h"
#include "prometheus/serverendpoints.h"

#include <QDir>
#include <QLoggingCategory>
#include <QPointer>
#include <QProcessEnvironment>

#include <chrono>
#include <utility>

namespace launchdeck {

Q_LOGGING_CATEGORY(lcSessionAlerts, "launchdeck.alerts", QtInfoMsg)

namespace {

using namespace std::chrono_literals;

// The rules of `environment`: those naming it, and those naming none.
QList<ThresholdRule> rulesOf(const Notifications& notifications, const QString& environment)
{
    QList<ThresholdRule> rules;
    for (ThresholdRule rule : notifications.rules) {
        if (!rule.environment.isEmpty() && rule.environment != environment)
            continue;
        rule.environment = environment;
        rules.append(rule);
    }
    return rules;
}

QString watchKey(const Workspace& workspace)
{
    QStringList parts;
    for (const Environment& environment : workspace.environments) {
        const QList<ThresholdRule> rules = rulesOf(workspace.notifications, environment.name);
        if (!environment.alertmanager.isSet() && rules.isEmpty())
            continue;
        parts.append(environment.name);
        parts.append(prometheus::serverIdentity(environment.alertmanager));
        if (!rules.isEmpty())
            parts.append(prometheus::serverIdentity(environment.prometheus));
        for (const ThresholdRule& rule : rules)
            parts.append(QStringList{rule.name, rule.query, rule.condition,
                                     QString::number(rule.holdFor.count()),
                                     QString::number(rule.line)}
                             .join(u'\x1e'));
    }
    return parts.join(u'\x1d');
}

} // namespace

SessionAlerts::SessionAlerts(QString dataDir, bool useKeyring, alerts::AlertsWatcherOptions options,
                             QObject* parent)
    : QObject(parent)
    , m_dataDir(std::move(dataDir))
    , m_useKeyring(useKeyring)
    , m_options(options)
{
    qRegisterMetaType<alerts::NotificationEvent>();
}

SessionAlerts::~SessionAlerts() = default;

QString SessionAlerts::notificationLogPath() const
{
    return m_dataDir.isEmpty() ? QString()
                               : QDir(m_dataDir).filePath(QStringLiteral("notifications.log"));
}

void SessionAlerts::apply(const Workspace& workspace)
{
    m_settings = workspace.notifications;
    const QString watch = watchKey(workspace);
    const QString webhook =
        workspace.notifications.webhook + u'\x1f' + workspace.notifications.webhookSecret;
    // A lookup still under way for an earlier reload makes these changes too.
    m_rebuildWatcher = m_rebuildWatcher || watch != m_watchKey;
    m_rebuildNotifier = m_rebuildNotifier || webhook != m_webhookKey;
    if (!m_rebuildWatcher && !m_rebuildNotifier)
        return;
    m_watchKey = watch;
    m_webhookKey = webhook;

    QStringList secrets;
    for (const Environment& environment : workspace.environments) {
        prometheus::addSecretName(environment.alertmanager, secrets);
        if (!rulesOf(workspace.notifications, environment.name).isEmpty())
            prometheus::addSecretName(environment.prometheus, secrets);
    }
    if (!workspace.notifications.webhookSecret.isEmpty())
        secrets.append(workspace.notifications.webhookSecret);
    const quint64 generation = ++m_generation;
    if (secrets.isEmpty()) {
        build(workspace, {});
        return;
    }
    auto* resolver = new SecretResolver(QStringLiteral("launchdeck"), 2000ms, m_useKeyring, this);
    QPointer<SessionAlerts> guard(this);
    connect(resolver, &SecretResolver::resolved, this,
            [this, guard, resolver, generation, workspace](const ResolvedSecrets& resolved) {
                resolver->deleteLater();
                if (!guard || generation != m_generation)
                    return;
                QHash<QString, QString> values;
                for (const auto& [name, value] : resolved.values)
                    values.insert(name, value);
                build(workspace, values);
            });
    resolver->resolve(secrets, QProcessEnvironment::systemEnvironment());
}

void SessionAlerts::build(const Workspace& workspace, const QHash<QString, QString>& secrets)
{
    const prometheus::SecretLookup lookup = [&secrets](const QString& name) {
        const auto it = secrets.constFind(name);
        return it == secrets.cend() ? std::nullopt : std::optional<QString>(*it);
    };

    QList<alerts::WatchedEnvironment> watched;
    for (const Environment& environment : workspace.environments) {
        alerts::WatchedEnvironment entry;
        entry.name = environment.name;
        entry.rules = rulesOf(workspace.notifications, environment.name);
        if (!environment.alertmanager.isSet() && entry.rules.isEmpty())
            continue;
        if (environment.alertmanager.isSet()) {
            const Result<prometheus::ServerEndpoint> endpoint =
                prometheus::endpointOf(environment.alertmanager, lookup);
            if (endpoint)
                entry.alertmanager = *endpoint;
            else
                entry.alertmanagerProblem = tr("Alertmanager (line %1): %2")
                                                .arg(environment.alertmanager.line)
                                                .arg(endpoint.error().toString());
        }
        if (!entry.rules.isEmpty() && environment.prometheus.isSet()) {
            const Result<prometheus::ServerEndpoint> endpoint =
                prometheus::endpointOf(environment.prometheus, lookup);
            if (endpoint)
                entry.prometheus = *endpoint;
            else
                entry.prometheusProblem = tr("Prometheus (line %1): %2")
                                              .arg(environment.prometheus.line)
                                              .arg(endpoint.error().toString());
        }
        watched.append(entry);
    }

    if (std::exchange(m_rebuildNotifier, false))
        buildNotifier(workspace.notifications, secrets);
    if (!std::exchange(m_rebuildWatcher, false))
        return;
    std::unique_ptr<alerts::AlertsWatcher> previous = std::move(m_watcher);
    if (!watched.isEmpty()) {
        m_watcher = std::make_unique<alerts::AlertsWatcher>(watched, m_options);
        connect(m_watcher.get(), &alerts::AlertsWatcher::alertStarted, this,
                &SessionAlerts::alertStarted);
        m_watcher->start();
    }
    Q_EMIT watcherChanged(m_watcher.get());
    // Receivers have let go of the previous watcher; its threads end here.
    previous.reset();
}

void SessionAlerts::buildNotifier(const Notifications& notifications,
                                  const QHash<QString, QString>& secrets)
{
    // The webhook's URL is never in a message: a missing secret is named, not its value.
    QString url = notifications.webhook;
    if (!notifications.webhookSecret.isEmpty()) {
        url = secrets.value(notifications.webhookSecret);
        if (url.isEmpty())
            qCWarning(lcSessionAlerts).noquote()
                << "notifications: the webhook's secret" << notifications.webhookSecret
                << "is set neither in the environment nor in the keyring: no webhook";
    }
    m_notifier.reset();
    if (!url.isEmpty())
        m_notifier =
            std::make_unique<alerts::WebhookNotifier>(url, notificationLogPath(), m_webhookOptions);
}

void SessionAlerts::alertStarted(const alerts::WatchedAlert& alert)
{
    if (!m_settings.environments.isEmpty() && !m_settings.environments.contains(alert.environment))
        return;
    alerts::NotificationEvent event;
    event.kind = alerts::NotificationEvent::Kind::AlertFiring;
    event.application = alert.application();
    event.environment = alert.environment;
    event.alert = alert.alert.name();
    event.summary = alert.alert.annotations.value(QStringLiteral("summary"));
    event.source = alert.source;
    event.at =
        alert.alert.startsAt.isValid() ? alert.alert.startsAt : QDateTime::currentDateTimeUtc();
    raise(event);
}

void SessionAlerts::deploymentEnded(const QString& application, const QString& environment,
                                    DeploymentStatus status, const QString& message,
                                    const QString& deploymentId)
{
    if (status != DeploymentStatus::Failed && status != DeploymentStatus::RolledBack)
        return;
    alerts::NotificationEvent event;
    event.kind = status == DeploymentStatus::Failed
                     ? alerts::NotificationEvent::Kind::DeploymentFailed
                     : alerts::NotificationEvent::Kind::DeploymentRolledBack;
    event.application = application;
    event.environment = environment;
    event.summary = message;
    event.source = deploymentId;
    event.at = QDateTime::currentDateTimeUtc();
    raise(event);
}

void SessionAlerts::raise(const alerts::NotificationEvent& event)
{
    if (m_notifier)
        m_notifier->send(event);
    Q_EMIT notificationRaised(event);
}

} // namespace launchdeck
