// A deployment's image pulled from its registry, its progress logged without flooding the log.
#include "deploy/imagepull.h"

#include "docker/environmenthost.h"
#include "registry/registrylocation.h"
#include "registry/registrytags.h"

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

namespace {

// The daemon's words for a tag the registry does not have ("manifest for …:9.9 not found:
// manifest unknown", "manifest unknown").
bool saysUnknownTag(const QString& message)
{
    return message.contains(u"manifest unknown", Qt::CaseInsensitive) ||
           message.contains(u"not found", Qt::CaseInsensitive);
}

// The tags the image's repository has, asked of its registry as the daemon at `endpoint` reaches
// it (its insecure registries from /info); empty when it cannot say.
QString tagsNoteFor(const DockerEndpoint& endpoint, const QString& image,
                    const std::optional<DockerRegistryAuth>& auth)
{
    const std::optional<registry::ImageRepository> repository =
        registry::parseImageRepository(splitImageTag(image).first);
    if (!repository)
        return {};
    registry::DaemonRegistryConfig config;
    if (const Result<std::unique_ptr<DockerClient>> client =
            connectDocker(endpoint, ApiVersionSource::ReuseKnown)) {
        if (const Result<QJsonObject> info = (*client)->info())
            config.insecureRegistries = registry::insecureRegistriesOf(*info);
    }
    std::optional<registry::RegistryCredentials> credentials;
    if (auth)
        credentials = registry::RegistryCredentials{auth->username, auth->password};
    const Result<registry::RegistryEndpoint> reached =
        registry::reachRegistry(repository->host, config, credentials);
    if (!reached)
        return {};
    registry::RegistryClient client(*reached);
    return registry::knownTagsNote(client, repository->repository);
}

} // namespace

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
    if (!pull)
        return pushImage(endpoint, apiVersion, image, found->auth, progress, cancel);
    Result<TransferredImage> pulled =
        pullImage(endpoint, apiVersion, image, found->auth, progress, cancel);
    if (pulled || !saysUnknownTag(pulled.error().message))
        return pulled;
    const QString note = tagsNoteFor(endpoint, image, found->auth);
    if (note.isEmpty())
        return pulled;
    return Error{pulled.error().message + QStringLiteral(" (%1)").arg(note), pulled.error().where};
}

Result<TransferredImage> pullForDeployment(const DockerEndpoint& endpoint,
                                           const QString& apiVersion, const QString& image,
                                           const std::function<void(const QString&)>& log,
                                           const std::atomic_bool* cancel)
{
    return transferImageLogged(endpoint, apiVersion, image, ImageTransfer::Pull, log, cancel);
}

} // namespace launchdeck::deploy
