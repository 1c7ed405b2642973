// Pulling and pushing images through the daemon (POST /images/create, POST /images/{name}/push)
// with the progress `docker pull` and `docker push` show: each layer's status and bytes, the
// digest the registry served or took, and the daemon's error in its words, which it reports
// after it already answered 200; and tagging an image for a registry.
#pragma once

#include "core/result.h"
#include "docker/dockerendpoint.h"

#include <QByteArray>
#include <QHash>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <optional>
#include <utility>

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

// The newline-delimited JSON answer of a pull or a push.
class DockerPullOutput final
{
public:
    // What one JSON line says; none for a line that is neither progress nor status.
    std::optional<PullProgress> feed(const QByteArray& jsonLine);

    // "sha256:…" from a pull's "Digest: sha256:…" or a push's "TAG: digest: sha256:… size: N"
    // (and its aux Digest); empty until the daemon says it.
    const QString& digest() const { return m_digest; }
    // The daemon's words when the pull failed; empty otherwise.
    const QString& error() const { return m_error; }
    // The layers seen, and those that ended ("Pull complete", "Pushed", "Already exists",
    // "Layer already exists").
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

// The credentials the daemon is to pass to `image`'s registry, found as the docker CLI finds
// them, else in the keyring; none: the registry is asked anonymously.
struct RegistryAuthLookup
{
    QString host; // the registry the image names ("docker.io" for Docker Hub's)
    std::optional<DockerRegistryAuth> auth;
    QString source; // where they came from ("config.json auths", "keyring", a helper's name)
    QString note;   // without credentials: why none were found, when something was tried
};
// Fails naming the registry when the configuration or a helper is unusable; never holds the
// password in a message.
Result<RegistryAuthLookup> findRegistryAuth(const QString& image,
                                            const QProcessEnvironment& environment);

struct TransferredImage
{
    QString reference; // as asked
    QString digest;    // "sha256:…" of the manifest the registry served or took
    int layers = 0;
};

// Pulls `image` ("registry:5000/shop/web:1.0", "shop/web@sha256:…"; without a tag, latest)
// through the daemon at `endpoint`, calling `progress` for every line as it arrives. Blocking;
// `cancel` (may be null) ends it within a moment. Fails with the daemon's words (unauthorized,
// manifest unknown, a registry it cannot reach), naming the image; the password never appears.
Result<TransferredImage> pullImage(const DockerEndpoint& endpoint, const QString& apiVersion,
                                   const QString& image,
                                   const std::optional<DockerRegistryAuth>& auth,
                                   const std::function<void(const PullProgress&)>& progress = {},
                                   const std::atomic_bool* cancel = nullptr);

// Pushes `image` ("registry:5000/shop/web:1.0", an image the daemon has under that name) to its
// registry, the same way.
Result<TransferredImage> pushImage(const DockerEndpoint& endpoint, const QString& apiVersion,
                                   const QString& image,
                                   const std::optional<DockerRegistryAuth>& auth,
                                   const std::function<void(const PullProgress&)>& progress = {},
                                   const std::atomic_bool* cancel = nullptr);

// Gives the image `source` (a name or id the daemon has) the name `target`
// ("registry:5000/shop/web:1.0"), as `docker tag` does.
Result<bool> tagImage(const DockerEndpoint& endpoint, const QString& apiVersion,
                      const QString& source, const QString& target);

// "registry:5000/shop/web:1.0" -> {"registry:5000/shop/web", "1.0"}; "shop/web" -> tag
// "latest"; a digest reference keeps its "@sha256:…" in the name and has no tag.
std::pair<QString, QString> splitImageTag(const QString& image);

} // namespace launchdeck
