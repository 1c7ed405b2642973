// libcurl's multi interface driven by the Qt event loop of the thread it lives in: many
// streaming transfers (a host's events and the stats of every running container) on one thread.
#pragma once

#include "docker/dockerendpoint.h"
#include "http/curlsupport.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QObject>
#include <QString>
#include <QTimer>

#include <curl/curl.h>

#include <functional>
#include <memory>
#include <unordered_map>

class QSocketNotifier;

namespace launchdeck {

// One streaming GET of the Docker API, meant for DockerCurlMulti: the easy handle and what its
// answer needs (status, error body for the daemon's message) and where the body goes.
class DockerCurlTransfer final
{
public:
    DockerCurlTransfer(const DockerEndpoint& endpoint, const QString& apiVersion,
                       const QString& pathAndQuery);
    DockerCurlTransfer(const DockerCurlTransfer&) = delete;
    DockerCurlTransfer& operator=(const DockerCurlTransfer&) = delete;

    CURL* handle() const { return m_easy.get(); }
    const QString& where() const { return m_where; }
    long status() const { return m_status; }

    // Pieces of a successful (2xx) answer's body; called inside libcurl, so it must not add or
    // remove transfers of the multi handle.
    std::function<void(QByteArrayView)> onBody;
    // The headers of a successful answer are complete: the daemon has taken the request.
    std::function<void()> onHeaders;

    // Empty when the transfer ended cleanly; else the error as DockerClient words it.
    QString failure(CURLcode result, const QString& what) const;

private:
    static size_t write(char* data, size_t size, size_t count, void* self);
    static size_t header(char* data, size_t size, size_t count, void* self);
    void readStatus();

    http::detail::EasyHandle m_easy;
    char m_errorBuffer[CURL_ERROR_SIZE] = {};
    QString m_where;
    long m_status = 0;
    QByteArray m_errorBody;
};

class DockerCurlMulti final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerCurlMulti)

public:
    // Called once the transfer has left the multi handle, outside libcurl's callbacks, so it
    // may add and remove transfers.
    using Finished = std::function<void(CURLcode result)>;

    explicit DockerCurlMulti(QObject* parent = nullptr);
    // Drops the transfers still running without calling their Finished.
    ~DockerCurlMulti() override;

    // The handle must stay alive until it finished or was removed.
    bool add(CURL* easy, Finished finished);
    // Ends a transfer without calling its Finished; call it before freeing the handle.
    void remove(CURL* easy);
    qsizetype transferCount() const { return m_transfers.size(); }

private:
    struct Watch
    {
        QSocketNotifier* read = nullptr;
        QSocketNotifier* write = nullptr;
    };

    static int onSocket(CURL* easy, curl_socket_t socket, int what, void* self, void* socketData);
    static int onTimer(CURLM* multi, long timeoutMs, void* self);
    void watch(curl_socket_t socket, int what);
    QSocketNotifier* notifier(curl_socket_t socket, bool write);
    void retire(QSocketNotifier*& notifier);
    void act(curl_socket_t socket, int mask);
    void collectFinished();

    http::detail::MultiHandle m_multi;
    QTimer m_timer;
    QHash<CURL*, Finished> m_transfers;
    std::unordered_map<curl_socket_t, Watch> m_watches;
};

} // namespace launchdeck
