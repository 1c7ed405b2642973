// Posts notifications to a webhook (Slack-compatible JSON) from a thread of its own, retrying
// with backoff when the server fails or cannot be reached, and keeps a log of every delivery in
// memory and in a file. The webhook's URL often carries its token in the path, so it is only
// ever shown masked: scheme, host and port.
#pragma once

#include "alerts/notificationevent.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

namespace launchdeck::alerts {

class WebhookWorker;

struct WebhookOptions
{
    int attempts = 3;           // in all, the first one included
    int firstBackoffMs = 2'000; // before the second attempt, doubled for each further one
    int timeoutMs = 10'000;     // per attempt
    int logCapacity = 500;      // deliveries kept in memory; the file keeps them all
};

// One notification's delivery, after its last attempt.
struct WebhookDelivery
{
    QDateTime at;       // when it ended
    QString event;      // the notification's title
    QString target;     // the masked URL
    int httpStatus = 0; // the last answer's; 0 when none came
    QString error;      // empty when delivered
    int attempts = 0;
    bool delivered() const { return error.isEmpty(); }
    // "2024-05-02T10:00:00Z  Alert … firing in production  https://hooks.example.com/…  HTTP
    // 200  2 attempts", one line of the log file.
    QString toLogLine() const;
};

class WebhookNotifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WebhookNotifier)

public:
    // `logFile` is appended to (its folder made when missing); empty: the memory log alone.
    WebhookNotifier(QString url, QString logFile, WebhookOptions options = {},
                    QObject* parent = nullptr);
    // Joins the thread; deliveries still retrying are given up.
    ~WebhookNotifier() override;

    // Queued: returns at once.
    void send(const NotificationEvent& event);

    QString target() const { return maskedUrl(m_url); }
    const QList<WebhookDelivery>& deliveries() const { return m_deliveries; }

    // "https://hooks.example.com/…": no user, password, path or query.
    static QString maskedUrl(const QString& url);

Q_SIGNALS:
    void delivered(const launchdeck::alerts::WebhookDelivery& delivery);

private:
    QString m_url;
    WebhookOptions m_options;
    QList<WebhookDelivery> m_deliveries;
    std::unique_ptr<QThread> m_thread;
    WebhookWorker* m_worker = nullptr; // lives on m_thread
    std::atomic_bool m_stopping{false};
};

} // namespace launchdeck::alerts

Q_DECLARE_METATYPE(launchdeck::alerts::WebhookDelivery)
