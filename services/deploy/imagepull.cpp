// A deployment's image pulled from its registry, its progress logged without flooding the log.
#include "deploy/imagepull.h"

#include "registry/registrycredentials.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcessEnvironment>
#include <QSet>

namespace launchdeck::deploy {

QString registryHostOf(const QString& image)
{
    const qsizetype slash = image.indexOf(u'/');
    if (slash < 0)
        return QStringLiteral("docker.io");
    const QString first = image.left(slash);
    const bool host = first.contains(u'.') || first.contains(u':') || first == u"localhost";
    return host ? first : QStringLiteral("docker.io");
}

QString repoDigestOf(const QJsonObject& inspect, const QString& image)
{
    if (image.contains(u'@'))
        return image;
    const QString repository = splitImageTag(image).first;
    for (const QJsonValue& entry : inspect.value(u"RepoDigests").toArray()) {
        const QString digest = entry.toString();
        if (digest.section(u'@', 0, 0) == repository)
            return digest;
    }
    return {};
}

Result<TransferredImage> pullForDeployment(const DockerEndpoint& endpoint,
                                           const QString& apiVersion, const QString& image,
                                           const std::function<void(const QString&)>& log,
                                           const std::atomic_bool* cancel)
{
    const QString host = registryHostOf(image);
    const Result<registry::FoundCredentials> found =
        registry::dockerCredentials(host, QProcessEnvironment::systemEnvironment());
    if (!found)
        return Error{QStringLiteral("cannot pull %1: the credentials for %2: %3")
                         .arg(image, host, found.error().toString()),
                     found.error().where};
    std::optional<DockerRegistryAuth> auth;
    if (found->credentials) {
        auth = DockerRegistryAuth{found->credentials->username, found->credentials->password,
                                  registry::credentialServer(host)};
        log(QStringLiteral("pulling %1 with the credentials of %2 for %3 (from %4)")
                .arg(image, found->credentials->username, host, found->source));
    } else {
        log(QStringLiteral("pulling %1 from %2 without credentials").arg(image, host));
    }
    // Each layer's status once as it changes; the bytes of the one moving at most once a second.
    QSet<QString> said;
    QElapsedTimer sinceBytes;
    sinceBytes.start();
    const auto progress = [&](const PullProgress& line) {
        const QString key = line.layer + u'\n' + line.status;
        if (!said.contains(key)) {
            said.insert(key);
            log(line.text());
        } else if (line.current > 0 && sinceBytes.elapsed() >= 1000) {
            sinceBytes.restart();
            log(line.text());
        }
    };
    return pullImage(endpoint, apiVersion, image, auth, progress, cancel);
}

} // namespace launchdeck::deploy
