// What Launchdeck tells people about: an alert that started firing, a deployment that failed or
// rolled back. One event makes the desktop notification's title and body and the webhook's
// JSON, whose Slack-compatible `text` is readable as it is and whose other fields are for
// programs.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace launchdeck::alerts {

struct NotificationEvent
{
    enum class Kind { AlertFiring, DeploymentFailed, DeploymentRolledBack };
    Kind kind = Kind::AlertFiring;
    QString application; // empty when the alert names none
    QString environment;
    QString alert;   // the alert's name; empty for a deployment
    QString summary; // the alert's summary annotation, or how the deployment ended
    QString source;  // "Alertmanager", "Launchdeck rule", or the deployment's id
    QDateTime at;
};

// "alert", "deployment": the payload's `kind`.
QString notificationKindName(NotificationEvent::Kind kind);
// "firing", "failed", "rolled back": the payload's `status`.
QString notificationStatusName(NotificationEvent::Kind kind);
// One line: "Alert HighErrorRate firing in production (web): error ratio above 5%".
QString notificationTitle(const NotificationEvent& event);
// The title, then the summary on a line of its own when there is one.
QString notificationText(const NotificationEvent& event);
// {"text", "kind", "application", "environment", "alert", "status", "summary", "at"}.
QByteArray webhookPayload(const NotificationEvent& event);

} // namespace launchdeck::alerts

Q_DECLARE_METATYPE(launchdeck::alerts::NotificationEvent)
