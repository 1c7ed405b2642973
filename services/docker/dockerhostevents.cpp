// Reading GET /events on the shared multi handle.
#include "docker/dockerhostevents.h"

#include <QDateTime>
#include <QLoggingCategory>

namespace launchdeck {

Q_LOGGING_CATEGORY(lcDockerEvents, "launchdeck.docker.events", QtInfoMsg)

DockerHostEvents::DockerHostEvents(DockerCurlMulti* multi, DockerEndpoint endpoint, QObject* parent)
    : QObject(parent)
    , m_multi(multi)
    , m_endpoint(std::move(endpoint))
{}

DockerHostEvents::~DockerHostEvents()
{
    close();
}

void DockerHostEvents::open(const QString& apiVersion)
{
    close();
    const qint64 since = QDateTime::currentSecsSinceEpoch() - 1;
    m_transfer = std::make_unique<DockerCurlTransfer>(
        m_endpoint, apiVersion, QStringLiteral("/events?since=") + QString::number(since));
    m_lines = DockerJsonLineSplitter();
    m_transfer->onHeaders = [this] {
        Q_EMIT opened();
    };
    m_transfer->onBody = [this](QByteArrayView bytes) {
        decode(bytes);
    };
    DockerCurlTransfer* transfer = m_transfer.get();
    const bool added = m_multi->add(transfer->handle(), [this, transfer](CURLcode result) {
        if (m_transfer.get() != transfer)
            return;
        QString error = transfer->failure(result, QStringLiteral("follow the Docker events"));
        if (error.isEmpty())
            error = transfer->where() + QStringLiteral(": the daemon ended the events stream");
        const std::unique_ptr<DockerCurlTransfer> finished = std::move(m_transfer);
        Q_EMIT ended(error);
    });
    if (!added) {
        m_transfer.reset();
        // Signalled from the event loop, as a failed transfer would be.
        QMetaObject::invokeMethod(
            this,
            [this] {
                if (m_transfer)
                    return; // opened again since
                Q_EMIT ended(QStringLiteral("cannot follow the Docker events of %1: libcurl "
                                            "refused the transfer")
                                 .arg(m_endpoint.toString()));
            },
            Qt::QueuedConnection);
    }
}

void DockerHostEvents::close()
{
    if (m_transfer)
        m_multi->remove(m_transfer->handle());
    m_transfer.reset();
}

void DockerHostEvents::decode(QByteArrayView bytes)
{
    QList<DockerEvent> events;
    for (const QByteArray& line : m_lines.feed(bytes)) {
        Result<DockerEvent> event = parseDockerEvent(line);
        if (event)
            events.append(std::move(event).value());
        else
            qCWarning(lcDockerEvents) << event.error().toString();
    }
    if (!events.isEmpty())
        Q_EMIT eventsReceived(events);
}

} // namespace launchdeck
