// The words and the JSON of a notification.
#include "alerts/notificationevent.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace launchdeck::alerts {

QString notificationKindName(NotificationEvent::Kind kind)
{
    return kind == NotificationEvent::Kind::AlertFiring ? QStringLiteral("alert")
                                                        : QStringLiteral("deployment");
}

QString notificationStatusName(NotificationEvent::Kind kind)
{
    switch (kind) {
    case NotificationEvent::Kind::AlertFiring:
        return QStringLiteral("firing");
    case NotificationEvent::Kind::DeploymentFailed:
        return QStringLiteral("failed");
    case NotificationEvent::Kind::DeploymentRolledBack:
        return QStringLiteral("rolled back");
    }
    return {};
}

QString notificationTitle(const NotificationEvent& event)
{
    const QString where = event.application.isEmpty()
                              ? event.environment
                              : QStringLiteral("%1 (%2)").arg(event.environment, event.application);
    if (event.kind == NotificationEvent::Kind::AlertFiring)
        return QStringLiteral("Alert %1 firing in %2").arg(event.alert, where);
    return QStringLiteral("Deployment of %1 to %2 %3")
        .arg(event.application, event.environment, notificationStatusName(event.kind));
}

QString notificationText(const NotificationEvent& event)
{
    const QString title = notificationTitle(event);
    return event.summary.isEmpty() ? title : title + u'\n' + event.summary;
}

QByteArray webhookPayload(const NotificationEvent& event)
{
    const QJsonObject payload{
        {QStringLiteral("text"), notificationText(event)},
        {QStringLiteral("kind"), notificationKindName(event.kind)},
        {QStringLiteral("application"), event.application},
        {QStringLiteral("environment"), event.environment},
        {QStringLiteral("alert"), event.alert},
        {QStringLiteral("status"), notificationStatusName(event.kind)},
        {QStringLiteral("summary"), event.summary},
        {QStringLiteral("source"), event.source},
        {QStringLiteral("at"), event.at.toUTC().toString(Qt::ISODateWithMs)},
    };
    return QJsonDocument(payload).toJson(QJsonDocument::Compact);
}

} // namespace launchdeck::alerts
