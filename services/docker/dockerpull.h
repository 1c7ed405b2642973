// Pulling an image through the daemon (POST /images/create) with the progress `docker pull`
// shows: each layer's status and bytes (downloading, extracting), the digest the registry
// served, and the daemon's error in its words, which it reports after it already answered 200.
#pragma once

#include "core/result.h"
#include "docker/dockerendpoint.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <optional>

namespace launchdeck {

// One line of the pull's answer as a reader wants it.
struct PullProgress
{
    QString layer;  // the layer's short id; empty for the image's own lines
    QString status; // "Pulling fs layer", "Downloading", "Extracting", "Pull complete", …
    qint64 current = 0;
    qint64 total = 0; // 0 when the daemon does not know
    // What `docker pull` prints for it: "a1b2c3d4e5f6: Downloading 1.2 MB / 3.4 MB".
    QString text() const;
};

// The newline-delimited JSON answer of POST /images/create.
class DockerPullOutput final
{
public:
    // What one JSON line says; none for a line that is neither progress nor status.
    std::optional<PullProgress> feed(const QByteArray& jsonLine);

    // "sha256:…" from "Digest: sha256:…"; empty until the daemon says it.
    const QString& digest() const { return m_digest; }
    // The daemon's words when the pull failed; empty otherwise.
    const QString& error() const { return m_error; }
    // The layers seen, and those that ended ("Pull complete", "Already exists").
    QStringList layers() const { return m_layers; }
    int completedLayers() const { return int(m_completed.size()); }

private:
    QString m_digest;
    QString m_error;
    QStringList m_layers;
    QHash<QString, bool> m_completed;
};

// Credentials sent to the daemon for the registry (X-Registry-Auth); never logged.
struct DockerRegistryAuth
{
    QString username;
    QString password;
    QString serverAddress; // the registry host
};

// The X-Registry-Auth value: base64url of {"username","password","serveraddress"}.
QByteArray registryAuthHeader(const DockerRegistryAuth& auth);

struct PulledImage
{
    QString reference; // as asked
    QString digest;    // "sha256:…" of the manifest the registry served
    int layers = 0;
};

// Pulls `image` ("registry:5000/shop/web:1.0", "shop/web@sha256:…"; without a tag, latest)
// through the daemon at `endpoint`, calling `progress` for every line as it arrives. Blocking;
// `cancel` (may be null) ends it within a moment. Fails with the daemon's words (unauthorized,
// manifest unknown, a registry it cannot reach), naming the image; the password never appears.
Result<PulledImage> pullImage(const DockerEndpoint& endpoint, const QString& apiVersion,
                              const QString& image, const std::optional<DockerRegistryAuth>& auth,
                              const std::function<void(const PullProgress&)>& progress = {},
                              const std::atomic_bool* cancel = nullptr);

} // namespace launchdeck
