// The webhook notifier against an HTTP server of the test's own on a thread of its own, which
// answers the statuses it is given in turn: a 500 is retried and the next 200 delivers; a
// server that keeps failing is given up after the attempts; a refused request (400) is not
// retried; every delivery is logged with its status and attempts, the URL masked, in memory
// and in the log file.
#include "alerts/webhooknotifier.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <optional>

using namespace launchdeck;
using namespace launchdeck::alerts;

namespace {

const QString kToken = QStringLiteral("T0001/B0002/s3cr3tT0k3n");

struct Received
{
    QByteArray requestLine;
    QByteArray contentType;
    QByteArray body;
};

// Reads each request whole (headers, then Content-Length bytes) and answers the next status; a
// status of 0 never answers (the connection stays open).
class ScriptedServer final : public QObject
{
    Q_OBJECT

public:
    explicit ScriptedServer(QList<int> statuses)
        : m_statuses(std::move(statuses))
    {
        moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(this, &ScriptedServer::listen, Qt::BlockingQueuedConnection);
    }
    ~ScriptedServer() override
    {
        QMetaObject::invokeMethod(
            this, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    quint16 port() const { return m_port; }
    QList<Received> received() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_received;
    }

private:
    void listen()
    {
        m_server = new QTcpServer;
        m_server->listen(QHostAddress::LocalHost, 0);
        m_port = m_server->serverPort();
        connect(m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server->nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    void read(QTcpSocket* socket)
    {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        qsizetype length = 0;
        QByteArray contentType;
        for (const QByteArray& line : lines) {
            const QByteArray lower = line.trimmed().toLower();
            if (lower.startsWith("content-length:"))
                length = lower.mid(15).trimmed().toLongLong();
            if (lower.startsWith("content-type:"))
                contentType = line.trimmed().mid(13).trimmed();
        }
        if (buffer.size() < end + 4 + length)
            return;
        Received request{lines.first().trimmed(), contentType, buffer.mid(end + 4, length)};
        buffer.remove(0, end + 4 + length);
        int status = 200;
        {
            const QMutexLocker lock(&m_mutex);
            m_received.append(request);
            if (!m_statuses.isEmpty())
                status = m_statuses.takeFirst();
        }
        if (status == 0)
            return;
        const QByteArray reason = status == 200   ? "OK"
                                  : status == 400 ? "Bad Request"
                                                  : "Internal Server Error";
        socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason +
                      "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");
        socket->flush();
    }

    QThread m_thread;
    QTcpServer* m_server = nullptr;
    quint16 m_port = 0;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    mutable QMutex m_mutex;
    QList<int> m_statuses;
    QList<Received> m_received;
};

NotificationEvent firingAlert()
{
    NotificationEvent event;
    event.kind = NotificationEvent::Kind::AlertFiring;
    event.application = QStringLiteral("web");
    event.environment = QStringLiteral("production");
    event.alert = QStringLiteral("HighErrorRate");
    event.summary = QStringLiteral("5xx above 5% for 2 minutes");
    event.source = QStringLiteral("Alertmanager");
    event.at = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
    return event;
}

WebhookOptions quickRetries()
{
    WebhookOptions options;
    options.firstBackoffMs = 50;
    options.timeoutMs = 5'000;
    return options;
}

// Sends the event and waits for its delivery to end, retries included; empty when it did not.
std::optional<WebhookDelivery> deliver(WebhookNotifier& notifier,
                                       const NotificationEvent& event = firingAlert())
{
    QSignalSpy delivered(&notifier, &WebhookNotifier::delivered);
    notifier.send(event);
    if (delivered.isEmpty() && !delivered.wait(20'000))
        return std::nullopt;
    return delivered.first().first().value<WebhookDelivery>();
}

QString readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

class TestWebhookNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void retriesAServerErrorAndLogsTheDelivery()
    {
        ScriptedServer server({500, 200});
        QTemporaryDir data;
        const QString url =
            QStringLiteral("http://127.0.0.1:%1/services/%2").arg(server.port()).arg(kToken);
        const QString log = data.filePath(QStringLiteral("notifications.log"));
        WebhookNotifier notifier(url, log, quickRetries());
        const std::optional<WebhookDelivery> delivery = deliver(notifier);
        QVERIFY(delivery);

        const QList<Received> received = server.received();
        QCOMPARE(received.size(), 2);
        QVERIFY2(received.first().requestLine.startsWith("POST /services/"),
                 received.first().requestLine.constData());
        QCOMPARE(received.last().contentType, QByteArrayLiteral("application/json"));
        const QJsonObject payload = QJsonDocument::fromJson(received.last().body).object();
        QVERIFY2(payload.value(u"text").toString().contains(u"HighErrorRate"),
                 received.last().body.constData());
        QVERIFY(payload.value(u"text").toString().contains(u"5xx above 5%"));
        QCOMPARE(payload.value(u"kind").toString(), QStringLiteral("alert"));
        QCOMPARE(payload.value(u"application").toString(), QStringLiteral("web"));
        QCOMPARE(payload.value(u"environment").toString(), QStringLiteral("production"));
        QCOMPARE(payload.value(u"alert").toString(), QStringLiteral("HighErrorRate"));
        QCOMPARE(payload.value(u"status").toString(), QStringLiteral("firing"));
        QCOMPARE(payload.value(u"at").toString(), QStringLiteral("2023-11-14T22:13:20.000Z"));

        QVERIFY2(delivery->delivered(), qPrintable(delivery->error));
        QCOMPARE(delivery->httpStatus, 200);
        QCOMPARE(delivery->attempts, 2);
        QCOMPARE(notifier.deliveries().size(), 1);

        const QString written = readAll(log);
        QVERIFY2(written.contains(u"HTTP 200") && written.contains(u"2 attempts") &&
                     written.contains(u"HighErrorRate"),
                 qPrintable(written));
        QVERIFY2(written.contains(QStringLiteral("http://127.0.0.1:%1/…").arg(server.port())),
                 qPrintable(written));
        QVERIFY2(!written.contains(u"s3cr3tT0k3n") && !written.contains(u"/services/"),
                 qPrintable(written));
    }

    void givesUpAfterItsAttempts()
    {
        ScriptedServer server({500, 500, 500, 500});
        QTemporaryDir data;
        const QString log = data.filePath(QStringLiteral("notifications.log"));
        WebhookNotifier notifier(
            QStringLiteral("http://127.0.0.1:%1/hook/%2").arg(server.port()).arg(kToken), log,
            quickRetries());
        const std::optional<WebhookDelivery> delivery = deliver(notifier);
        QVERIFY(delivery);
        QVERIFY(!delivery->delivered());
        QCOMPARE(delivery->attempts, 3);
        QCOMPARE(delivery->httpStatus, 500);
        QCOMPARE(server.received().size(), 3);
        const QString written = readAll(log);
        QVERIFY2(written.contains(u"failed: HTTP 500 Internal Server Error") &&
                     written.contains(u"3 attempts"),
                 qPrintable(written));
        QVERIFY2(!written.contains(u"s3cr3tT0k3n"), qPrintable(written));
    }

    void aServerThatNeverAnswersTimesOut()
    {
        ScriptedServer server({0, 0});
        WebhookOptions options = quickRetries();
        options.attempts = 2;
        options.timeoutMs = 300;
        WebhookNotifier notifier(
            QStringLiteral("http://127.0.0.1:%1/hook/%2").arg(server.port()).arg(kToken), {},
            options);
        const std::optional<WebhookDelivery> delivery = deliver(notifier);
        QVERIFY(delivery);
        QVERIFY(!delivery->delivered());
        QCOMPARE(delivery->attempts, 2);
        QCOMPARE(delivery->httpStatus, 0);
        QVERIFY2(delivery->error.contains(u"timed out"), qPrintable(delivery->error));
        QCOMPARE(server.received().size(), 2);
        QVERIFY2(!delivery->toLogLine().contains(u"s3cr3tT0k3n"),
                 qPrintable(delivery->toLogLine()));
    }

    // Closing the console does not wait out a webhook that never answers.
    void closingEndsADeliveryInFlight()
    {
        ScriptedServer server({0});
        WebhookOptions options = quickRetries();
        options.timeoutMs = 120'000;
        QElapsedTimer clock;
        {
            WebhookNotifier notifier(QStringLiteral("http://127.0.0.1:%1/hook").arg(server.port()),
                                     {}, options);
            notifier.send(firingAlert());
            QTRY_COMPARE_WITH_TIMEOUT(server.received().size(), 1, 20'000);
            clock.start();
        }
        QVERIFY2(clock.elapsed() < 60'000, "the destructor waited for the request's timeout");
    }

    void keepsTheUrlAsWritten()
    {
        ScriptedServer server({200});
        WebhookNotifier notifier(QStringLiteral("http://127.0.0.1:%1/hook/%2/?channel=ops")
                                     .arg(server.port())
                                     .arg(kToken),
                                 {}, quickRetries());
        QVERIFY(deliver(notifier));
        QCOMPARE(server.received().first().requestLine,
                 QByteArray("POST /hook/" + kToken.toUtf8() + "/?channel=ops HTTP/1.1"));
        ScriptedServer slash({200});
        WebhookNotifier trailing(QStringLiteral("http://127.0.0.1:%1/hook/").arg(slash.port()), {},
                                 quickRetries());
        QVERIFY(deliver(trailing));
        QCOMPARE(slash.received().first().requestLine, QByteArray("POST /hook/ HTTP/1.1"));
    }

    void doesNotRetryARefusal()
    {
        ScriptedServer server({400, 200});
        WebhookNotifier notifier(QStringLiteral("http://127.0.0.1:%1/hook").arg(server.port()), {},
                                 quickRetries());
        NotificationEvent event = firingAlert();
        event.kind = NotificationEvent::Kind::DeploymentRolledBack;
        const std::optional<WebhookDelivery> delivery = deliver(notifier, event);
        QVERIFY(delivery);
        QCOMPARE(delivery->attempts, 1);
        QCOMPARE(delivery->httpStatus, 400);
        QCOMPARE(server.received().size(), 1);
        const QJsonObject payload =
            QJsonDocument::fromJson(server.received().first().body).object();
        QCOMPARE(payload.value(u"kind").toString(), QStringLiteral("deployment"));
        QCOMPARE(payload.value(u"status").toString(), QStringLiteral("rolled back"));
    }

    void anUnreachableServerIsNamedMasked()
    {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        WebhookNotifier notifier(
            QStringLiteral("http://127.0.0.1:%1/hook/%2").arg(port).arg(kToken), {},
            quickRetries());
        const std::optional<WebhookDelivery> delivery = deliver(notifier);
        QVERIFY(delivery);
        QVERIFY(!delivery->delivered());
        QCOMPARE(delivery->attempts, 3);
        QCOMPARE(delivery->httpStatus, 0);
        QVERIFY2(!delivery->toLogLine().contains(u"s3cr3tT0k3n"),
                 qPrintable(delivery->toLogLine()));
        QCOMPARE(delivery->target, QStringLiteral("http://127.0.0.1:%1/…").arg(port));
    }

    void masksTheUrl()
    {
        QCOMPARE(WebhookNotifier::maskedUrl(
                     QStringLiteral("https://user:pw@hooks.example.com/services/T1/B2/xyz?a=1")),
                 QStringLiteral("https://hooks.example.com/…"));
        QCOMPARE(WebhookNotifier::maskedUrl(QStringLiteral("http://hooks.example.com:8080")),
                 QStringLiteral("http://hooks.example.com:8080"));
        QCOMPARE(WebhookNotifier::maskedUrl(QStringLiteral("not a url")),
                 QStringLiteral("(webhook URL)"));
    }
};

QTEST_GUILESS_MAIN(TestWebhookNotifier)
#include "tst_webhooknotifier.moc"
