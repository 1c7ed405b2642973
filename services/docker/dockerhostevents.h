// The events stream of one host on the host's shared multi handle: it says when the daemon has
// taken the subscription, so the lists that follow cannot miss an event.
#pragma once

#include "docker/dockercurlmulti.h"
#include "docker/dockerendpoint.h"
#include "docker/dockerjsonlines.h"
#include "docker/dockertypes.h"

#include <QObject>

#include <memory>

namespace launchdeck {

class DockerHostEvents final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerHostEvents)

public:
    // `multi` must outlive this object.
    DockerHostEvents(DockerCurlMulti* multi, DockerEndpoint endpoint, QObject* parent = nullptr);
    ~DockerHostEvents() override;

    // GET /events from a second before now on: the daemon replays what it logged since, which
    // covers the moment between its answer's headers and its subscription.
    void open(const QString& apiVersion);
    // Ends the stream without signalling.
    void close();
    bool isOpen() const { return m_transfer != nullptr; }

Q_SIGNALS:
    // The daemon answered 200: events from now on reach eventsReceived.
    void opened();
    // Emitted from inside libcurl: receivers must not open or close streams of the multi.
    void eventsReceived(const QList<launchdeck::DockerEvent>& events);
    // The stream ended: it never ends cleanly while the daemon lives, so `error` says why.
    void ended(const QString& error);

private:
    void decode(QByteArrayView bytes);

    DockerCurlMulti* m_multi;
    DockerEndpoint m_endpoint;
    std::unique_ptr<DockerCurlTransfer> m_transfer;
    DockerJsonLineSplitter m_lines;
};

} // namespace launchdeck
