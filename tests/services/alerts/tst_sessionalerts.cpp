// The session's alerts and notifications against the real Alertmanager and Prometheus and an
// HTTP server of the test's own as the webhook: an alert that starts firing notifies once, for
// the watched environment only, and is posted; a failed deployment notifies, a completed one
// does not; a reload naming the same servers keeps the watcher.
#include "deploy/deploymentrecord.h"
#include "fakes/monitoringstack.h"
#include "session/sessionalerts.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace launchdeck;
using launchdeck::test::MonitoringStack;
using launchdeck::test::MonitoringStackOptions;

namespace {

const char kRules[] = R"(groups:
  - name: launchdeck-session-test
    rules:
      - alert: QueueBacklog
        expr: launchdeck_test_value{name="backlog"} > 100
        labels:
          application: worker
        annotations:
          summary: the queue is growing
)";

// Answers every request 200 and keeps the bodies; served by the test's event loop.
class Webhook final : public QObject
{
public:
    Webhook()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    QString url() const
    {
        return QStringLiteral("http://127.0.0.1:%1/hooks/T9/B9/t0ps3cr3t")
            .arg(m_server.serverPort());
    }
    QList<QJsonObject> bodies;

private:
    void read(QTcpSocket* socket)
    {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        qsizetype length = 0;
        for (const QByteArray& line : buffer.left(end).split('\n')) {
            if (line.trimmed().toLower().startsWith("content-length:"))
                length = line.trimmed().mid(15).trimmed().toLongLong();
        }
        if (buffer.size() < end + 4 + length)
            return;
        bodies.append(QJsonDocument::fromJson(buffer.mid(end + 4, length)).object());
        buffer.remove(0, end + 4 + length);
        socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }

    QTcpServer m_server;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

} // namespace

class TestSessionAlerts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void notifiesWatchedEnvironmentsAndDeployments()
    {
        MonitoringStackOptions options;
        options.rules = kRules;
        MonitoringStack stack(options);
        QString error;
        QVERIFY2(stack.start(&error), qPrintable(error));
        stack.setGauge(QStringLiteral("backlog"), 0);
        QVERIFY2(stack.waitForTargetsUp(30'000, &error), qPrintable(error));

        Webhook webhook;
        Workspace workspace;
        for (const QString& name : {QStringLiteral("staging"), QStringLiteral("production")}) {
            Environment environment;
            environment.name = name;
            environment.alertmanager.url = stack.alertmanagerUrl();
            workspace.environments.append(environment);
        }
        workspace.notifications.webhook = webhook.url();
        workspace.notifications.environments = {QStringLiteral("staging")};

        QTemporaryDir data;
        alerts::AlertsWatcherOptions polls;
        polls.pollIntervalMs = 300;
        SessionAlerts alerts(data.path(), false, polls);
        QSignalSpy watchers(&alerts, &SessionAlerts::watcherChanged);
        QSignalSpy raised(&alerts, &SessionAlerts::notificationRaised);
        alerts.apply(workspace);
        QCOMPARE(watchers.size(), 1);
        QVERIFY(alerts.watcher());
        QVERIFY(alerts.notifier());
        QCOMPARE(alerts.watcher()->environments(),
                 (QStringList{QStringLiteral("staging"), QStringLiteral("production")}));
        const auto connected = [&alerts](const QString& environment) {
            return alerts.watcher()->snapshots().value(environment).alertmanager.state ==
                   prometheus::ServerState::Connected;
        };
        QTRY_VERIFY_WITH_TIMEOUT(connected(QStringLiteral("staging")) &&
                                     connected(QStringLiteral("production")),
                                 20'000);

        stack.setGauge(QStringLiteral("backlog"), 500);
        QTRY_COMPARE_WITH_TIMEOUT(alerts.watcher()->firingCount(), 2, 60'000);
        QTRY_COMPARE_WITH_TIMEOUT(raised.size(), 1, 10'000);
        const auto event = raised.first().first().value<alerts::NotificationEvent>();
        QCOMPARE(event.kind, alerts::NotificationEvent::Kind::AlertFiring);
        QCOMPARE(event.environment, QStringLiteral("staging"));
        QCOMPARE(event.alert, QStringLiteral("QueueBacklog"));
        QCOMPARE(event.application, QStringLiteral("worker"));
        QCOMPARE(event.summary, QStringLiteral("the queue is growing"));
        QTRY_COMPARE_WITH_TIMEOUT(webhook.bodies.size(), 1, 20'000);
        QVERIFY(webhook.bodies.first().value(u"text").toString().contains(u"QueueBacklog"));
        QCOMPARE(webhook.bodies.first().value(u"environment").toString(),
                 QStringLiteral("staging"));

        alerts.deploymentEnded(QStringLiteral("web"), QStringLiteral("production"),
                               DeploymentStatus::Completed, QStringLiteral("done"),
                               QStringLiteral("d-1"));
        alerts.deploymentEnded(QStringLiteral("web"), QStringLiteral("production"),
                               DeploymentStatus::RolledBack,
                               QStringLiteral("error rate 7.5% above 5%"), QStringLiteral("d-2"));
        QCOMPARE(raised.size(), 2);
        QCOMPARE(raised.last().first().value<alerts::NotificationEvent>().kind,
                 alerts::NotificationEvent::Kind::DeploymentRolledBack);
        QTRY_COMPARE_WITH_TIMEOUT(webhook.bodies.size(), 2, 20'000);
        QCOMPARE(webhook.bodies.last().value(u"status").toString(), QStringLiteral("rolled back"));

        // The hook has the second body before the notifier has its answer and logs it.
        const auto logged = [&alerts] {
            QFile log(alerts.notificationLogPath());
            return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()) : QString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(logged().count(u"HTTP 200"), 2, 20'000);
        const QString written = logged();
        QVERIFY2(!written.contains(u"t0ps3cr3t"), qPrintable(written));

        // The same servers after a reload: the watcher and what it knows stay.
        alerts.apply(workspace);
        QCOMPARE(watchers.size(), 1);
        QCOMPARE(raised.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestSessionAlerts)
#include "tst_sessionalerts.moc"
