// A deployment's image pulled from its registry, its progress logged without flooding the log.
#include "deploy/imagepull.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcessEnvironment>
#include <QSet>

namespace launchdeck::deploy {

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

Result<TransferredImage> transferImageLogged(const DockerEndpoint& endpoint,
                                             const QString& apiVersion, const QString& image,
                                             ImageTransfer direction,
                                             const std::function<void(const QString&)>& log,
                                             const std::atomic_bool* cancel)
{
    const bool pull = direction == ImageTransfer::Pull;
    const QString verb = pull ? QStringLiteral("pull") : QStringLiteral("push");
    const Result<RegistryAuthLookup> found =
        findRegistryAuth(image, QProcessEnvironment::systemEnvironment());
    if (!found)
        return Error{QStringLiteral("cannot %1 %2: %3").arg(verb, image, found.error().message),
                     found.error().where};
    const QString& host = found->host;
    if (found->auth) {
        log(QStringLiteral("%1ing %2 with the credentials of %3 for %4 (from %5)")
                .arg(verb, image, found->auth->username, host, found->source));
    } else {
        const QString what = pull ? QStringLiteral("pulling %1 from %2 without credentials")
                                  : QStringLiteral("pushing %1 to %2 without credentials");
        log(found->note.isEmpty()
                ? what.arg(image, host)
                : what.arg(image, host) + QStringLiteral(" (%1)").arg(found->note));
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
    return pull ? pullImage(endpoint, apiVersion, image, found->auth, progress, cancel)
                : pushImage(endpoint, apiVersion, image, found->auth, progress, cancel);
}

Result<TransferredImage> pullForDeployment(const DockerEndpoint& endpoint,
                                           const QString& apiVersion, const QString& image,
                                           const std::function<void(const QString&)>& log,
                                           const std::atomic_bool* cancel)
{
    return transferImageLogged(endpoint, apiVersion, image, ImageTransfer::Pull, log, cancel);
}

} // namespace launchdeck::deploy
