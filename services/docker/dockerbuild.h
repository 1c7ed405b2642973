// Building an image from a folder with a Dockerfile (POST /build): the context streamed as a
// tar on a thread of its own, the daemon's answer read as progress lines, an image id or an error.
#pragma once

#include "docker/dockerendpoint.h"
#include "docker/dockerwaketransfer.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QStringList>

#include <atomic>
#include <mutex>
#include <thread>

namespace launchdeck {

class TarStream;

struct DockerBuildRequest
{
    QString contextDir;
    QString dockerfile = QStringLiteral("Dockerfile"); // relative to contextDir
    QStringList tags;                                  // "name:tag", each one a t= parameter
    QList<QPair<QString, QString>> buildArgs;          // ARG values, in the order given
    bool noCache = false;
    // The network of RUN steps: empty for the daemon's default bridge; "none" where the daemon
    // has no bridge (dockerd --bridge=none), "host" to share the host's.
    QString networkMode;
};

// The newline-delimited JSON answer of POST /build: "stream" text cut into lines, "status" and
// "progress" of pulls, "aux" with the image id, and "error"/"errorDetail", which is how the
// daemon reports a failed build after it already answered 200.
class DockerBuildOutput final
{
public:
    // The lines one JSON line of the answer adds for a reader; text without its newline waits.
    QStringList feed(const QByteArray& jsonLine);
    // The text still waiting for its newline, as a last line.
    QStringList flush();

    // "sha256:…" from "aux", else the short id of "Successfully built …"; empty until then.
    const QString& imageId() const { return m_imageId.isEmpty() ? m_builtId : m_imageId; }
    // The daemon's words when it reported a failure; empty otherwise.
    const QString& error() const { return m_error; }

private:
    QStringList takeLines(const QString& text);

    QString m_partial;
    QString m_imageId;
    QString m_builtId;
    QString m_error;
};

class DockerImageBuilder final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerImageBuilder)

public:
    // An empty apiVersion leaves paths unversioned: the daemon's newest.
    DockerImageBuilder(DockerEndpoint endpoint, QString apiVersion, QObject* parent = nullptr);
    // Cancels a running build and joins its thread, which takes at most one read of the
    // context or one wait on the socket: both are woken.
    ~DockerImageBuilder() override;

    // Lists the context and sends it, on the builder's thread; connect the signals first.
    // False while a build is still running.
    bool start(const DockerBuildRequest& request);
    // Ends the build (the daemon stops when the connection closes) without emitting
    // finished(); safe to call at any moment and repeatedly.
    void cancel();
    bool isRunning() const { return m_running.load(); }

    // "/build?t=…&dockerfile=…&buildargs=…": the request's path and query.
    static QString pathAndQuery(const DockerBuildRequest& request, const QString& dockerfile);

Q_SIGNALS:
    // One line of the build's output, emitted on the builder's thread.
    void progress(const QString& line);
    // Exactly one per build that was not cancelled: the image id (sha256:…), or why it failed
    // (a missing Dockerfile, an unreadable file, the daemon's own error message).
    void finished(const QString& imageId, const QString& error);

private:
    void run(DockerBuildRequest request);
    // Sends the context and reads the answer; returns the error, or empty with the image id set.
    QString transfer(const DockerBuildRequest& request, const QString& dockerfile, TarStream& tar,
                     QString* imageId);
    void consume(const char* data, size_t size);
    static size_t readCallback(char* data, size_t size, size_t count, void* self);
    static size_t writeCallback(char* data, size_t size, size_t count, void* self);

    struct Transfer;

    DockerEndpoint m_endpoint;
    QString m_apiVersion;
    Transfer* m_transfer = nullptr; // the running transfer's state, on the builder's thread
    std::atomic<bool> m_cancelled{false};
    std::atomic<bool> m_running{false};
    docker::detail::WakeableTransfer m_wakeable;
    std::thread m_thread;
};

} // namespace launchdeck
