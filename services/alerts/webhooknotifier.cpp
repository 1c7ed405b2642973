// The webhook's deliveries: one request at a time on the notifier's thread over the monitoring
// servers' libcurl transport, a timer per retry, the log file appended to after each delivery
// ends.
#include "alerts/webhooknotifier.h"

#include "prometheus/serverrequest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QThread>
#include <QTimer>
#include <QUrl>

namespace launchdeck::alerts {

Q_LOGGING_CATEGORY(lcWebhook, "launchdeck.notifications", QtInfoMsg)

class WebhookWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookWorker)

public:
    WebhookWorker(QString url, QString logFile, WebhookOptions options,
                  const std::atomic_bool* stopping)
        : m_url(std::move(url))
        , m_logFile(std::move(logFile))
        , m_options(options)
        , m_stopping(stopping)
    {
        m_endpoint.url = m_url;
        m_endpoint.timeout = std::chrono::milliseconds(m_options.timeoutMs);
        m_endpoint.maxAnswerBytes = kMaxAnswerBytes;
    }

    void send(const NotificationEvent& event)
    {
        attempt(Delivery{webhookPayload(event), notificationTitle(event), 1});
    }

Q_SIGNALS:
    void delivered(const launchdeck::alerts::WebhookDelivery& delivery);

private:
    struct Delivery
    {
        QByteArray payload;
        QString title;
        int attempt = 1;
    };

    // What a webhook answers is not read; a chat service's few bytes fit well within this.
    static constexpr qint64 kMaxAnswerBytes = 1024 * 1024;

    void attempt(const Delivery& delivery)
    {
        if (m_stopping->load())
            return;
        // The URL is the whole endpoint (its path carries the hook's token).
        const Result<prometheus::ServerAnswer> answer =
            prometheus::requestServer(m_endpoint, "POST", QString(), delivery.payload,
                                      QByteArrayLiteral("application/json"), {m_stopping});
        if (m_stopping->load())
            return;
        const int status = answer ? answer.value().status : 0;
        QString error;
        if (!answer) {
            error = scrubbed(answer.error().message);
        } else if (status >= 300) {
            const QString reason = QString::fromUtf8(answer.value().reason);
            error = reason.isEmpty() ? QStringLiteral("HTTP %1").arg(status)
                                     : QStringLiteral("HTTP %1 %2").arg(status).arg(reason);
        }
        // A refused request (4xx other than 429) will be refused again: no retry.
        const bool permanent = status >= 400 && status < 500 && status != 429;
        if (!error.isEmpty() && !permanent && delivery.attempt < m_options.attempts) {
            const int backoff = m_options.firstBackoffMs << (delivery.attempt - 1);
            qCInfo(lcWebhook).noquote() << "webhook" << WebhookNotifier::maskedUrl(m_url) << error
                                        << "- attempt" << delivery.attempt << "of"
                                        << m_options.attempts << "retrying in" << backoff << "ms";
            Delivery next = delivery;
            ++next.attempt;
            QTimer::singleShot(backoff, this, [this, next] { attempt(next); });
            return;
        }
        WebhookDelivery done;
        done.at = QDateTime::currentDateTimeUtc();
        done.event = delivery.title;
        done.target = WebhookNotifier::maskedUrl(m_url);
        done.httpStatus = status;
        done.error = error;
        done.attempts = delivery.attempt;
        appendToLog(done);
        Q_EMIT delivered(done);
    }

    // Belt and braces: the transport's messages name the host at most, never the token.
    QString scrubbed(QString message) const
    {
        const QUrl url(m_url);
        const QString masked = WebhookNotifier::maskedUrl(m_url);
        message.replace(m_url, masked);
        message.replace(url.toString(), masked);
        message.replace(url.toDisplayString(), masked);
        if (url.path().size() > 1)
            message.replace(url.path(), QStringLiteral("/…"));
        return message;
    }

    void appendToLog(const WebhookDelivery& delivery)
    {
        const QString line = delivery.toLogLine();
        if (delivery.delivered())
            qCInfo(lcWebhook).noquote() << line;
        else
            qCWarning(lcWebhook).noquote() << line;
        if (m_logFile.isEmpty())
            return;
        QDir().mkpath(QFileInfo(m_logFile).absolutePath());
        QFile file(m_logFile);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
            qCWarning(lcWebhook).noquote()
                << "cannot write the notification log" << m_logFile << file.errorString();
            return;
        }
        file.write(line.toUtf8() + '\n');
    }

    QString m_url;
    QString m_logFile;
    WebhookOptions m_options;
    const std::atomic_bool* m_stopping;
    prometheus::ServerEndpoint m_endpoint;
};

QString WebhookDelivery::toLogLine() const
{
    const QString outcome = httpStatus > 0 && error.isEmpty()
                                ? QStringLiteral("HTTP %1").arg(httpStatus)
                            : error.isEmpty() ? QStringLiteral("sent")
                                              : QStringLiteral("failed: ") + error;
    return QStringLiteral("%1\t%2\t%3\t%4\t%5")
        .arg(at.toUTC().toString(Qt::ISODate), event, target, outcome,
             attempts == 1 ? QStringLiteral("1 attempt")
                           : QStringLiteral("%1 attempts").arg(attempts));
}

WebhookNotifier::WebhookNotifier(QString url, QString logFile, WebhookOptions options,
                                 QObject* parent)
    : QObject(parent)
    , m_url(std::move(url))
    , m_options(options)
    , m_thread(std::make_unique<QThread>())
{
    qRegisterMetaType<NotificationEvent>();
    qRegisterMetaType<WebhookDelivery>();
    m_thread->setObjectName(QStringLiteral("webhook"));
    m_worker = new WebhookWorker(m_url, std::move(logFile), m_options, &m_stopping);
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &WebhookWorker::delivered, this, [this](const WebhookDelivery& delivery) {
        m_deliveries.append(delivery);
        while (m_deliveries.size() > m_options.logCapacity)
            m_deliveries.removeFirst();
        Q_EMIT delivered(delivery);
    });
    m_thread->start();
}

WebhookNotifier::~WebhookNotifier()
{
    // A delivery in flight ends within a few tens of milliseconds; queued ones are dropped.
    m_stopping = true;
    m_thread->quit();
    m_thread->wait();
}

void WebhookNotifier::send(const NotificationEvent& event)
{
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, event] { worker->send(event); }, Qt::QueuedConnection);
}

QString WebhookNotifier::maskedUrl(const QString& url)
{
    const QUrl parsed(url);
    if (!parsed.isValid() || parsed.host().isEmpty())
        return QStringLiteral("(webhook URL)");
    QString masked = parsed.scheme() + QStringLiteral("://") + parsed.host();
    if (parsed.port() > 0)
        masked += u':' + QString::number(parsed.port());
    if (parsed.path().size() > 1 || parsed.hasQuery())
        masked += QStringLiteral("/…");
    return masked;
}

} // namespace launchdeck::alerts

#include "webhooknotifier.moc"
