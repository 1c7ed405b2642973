// Long-lived Docker API streams (events, stats of one container, logs) read on their own thread
// and ended at any moment: each value arrives as a signal, queued to the receiver's thread.
#pragma once

#include "docker/dockerendpoint.h"
#include "docker/dockertypes.h"
#include "docker/dockerwaketransfer.h"

#include <QJsonObject>
#include <QObject>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace launchdeck {

struct DockerLogOptions
{
    bool follow = true;
    bool timestamps = false;
    int tail = -1; // lines from the end to start with; -1 for all
    bool stdoutLines = true;
    bool stderrLines = true;
    bool tty = false; // the container's Tty: its log is then one raw stream, not frames
};

class DockerStream final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerStream)

public:
    // GET /events, optionally filtered (e.g. {"type":["container"]}).
    static std::unique_ptr<DockerStream> events(const DockerEndpoint& endpoint,
                                                const QString& apiVersion,
                                                const QJsonObject& filters = {});
    // GET /containers/{id}/stats?stream=true: about one sample a second.
    static std::unique_ptr<DockerStream>
    stats(const DockerEndpoint& endpoint, const QString& apiVersion, const QString& containerId);
    // GET /containers/{id}/logs.
    static std::unique_ptr<DockerStream> logs(const DockerEndpoint& endpoint,
                                              const QString& apiVersion, const QString& containerId,
                                              const DockerLogOptions& options);

    // Cancels and waits for the reading thread, which takes at most a poll round.
    ~DockerStream() override;

    // Starts reading; connect the signals first.
    void start();
    // Ends the stream without emitting finished(); safe to call repeatedly.
    void cancel();
    bool isRunning() const { return m_running.load(); }
    const QString& description() const { return m_where; }

Q_SIGNALS:
    void eventsReceived(const QList<launchdeck::DockerEvent>& events);
    void statsSampled(const launchdeck::DockerStatsSample& sample);
    // Lines of one read, batched so a chatty container does not flood the receiver's queue.
    void logLinesReceived(const QList<launchdeck::DockerLogLine>& lines);
    // The stream ended on its own: `error` is empty when the daemon closed it cleanly (logs of
    // a container that exited), else says why (HTTP status and message, dropped connection).
    void finished(const QString& error);

private:
    enum class Kind { Events, Stats, Logs };
    DockerStream(Kind kind, DockerEndpoint endpoint, QString apiVersion, QString pathAndQuery,
                 QString subject);

    void run();
    // Called by libcurl on the reading thread with each piece of the body.
    void consume(const char* data, size_t size);
    struct Decoder;
    static size_t writeCallback(char* data, size_t size, size_t count, void* self);

    Kind m_kind;
    DockerEndpoint m_endpoint;
    QString m_apiVersion;
    QString m_pathAndQuery;
    QString m_subject; // the container id for stats and logs
    QString m_where;
    DockerLogOptions m_logOptions;
    std::unique_ptr<Decoder> m_decoder;
    std::atomic<bool> m_cancelled{false};
    std::atomic<bool> m_running{false};
    docker::detail::WakeableTransfer m_transfer;
    std::thread m_thread;
};

} // namespace launchdeck
