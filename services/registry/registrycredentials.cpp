// The docker CLI's credential lookup (config.json, credential helpers, auths), then the keyring.
#include "registry/registrycredentials.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

namespace launchdeck::registry {

namespace {

constexpr int kHelperTimeoutMs = 10'000;

bool isDockerHub(const QString& host)
{
    return host == u"docker.io" || host == u"index.docker.io" || host == u"registry-1.docker.io" ||
           host == u"https://index.docker.io/v1/";
}

// "https://registry.example.com:5000/v1/" and "registry.example.com:5000" name one host.
QString hostOf(QString key)
{
    if (const qsizetype scheme = key.indexOf(QStringLiteral("://")); scheme >= 0)
        key = key.mid(scheme + 3);
    return key.section(u'/', 0, 0);
}

Result<FoundCredentials> askHelper(const QString& name, const QString& host,
                                   const QProcessEnvironment& environment)
{
    const QString program = u"docker-credential-" + name;
    const QString path = QStandardPaths::findExecutable(
        program, environment.value(QStringLiteral("PATH")).split(u':', Qt::SkipEmptyParts));
    if (path.isEmpty())
        return Error{QStringLiteral("the credential helper %1 the docker configuration names "
                                    "is not installed (not on PATH)")
                         .arg(program),
                     program};
    QProcess helper;
    helper.setProcessEnvironment(environment);
    helper.start(path, {QStringLiteral("get")});
    helper.write(credentialServer(host).toUtf8());
    helper.closeWriteChannel();
    if (!helper.waitForFinished(kHelperTimeoutMs)) {
        helper.kill();
        helper.waitForFinished(1000);
        return Error{QStringLiteral("the credential helper %1 did not answer within %2 s for %3")
                         .arg(program)
                         .arg(kHelperTimeoutMs / 1000)
                         .arg(host),
                     program};
    }
    const QByteArray out = helper.readAllStandardOutput();
    if (helper.exitStatus() != QProcess::NormalExit || helper.exitCode() != 0) {
        // The helpers' words for "nothing stored" (docker-credential-helpers'
        // ErrCredentialsNotFound).
        if (out.contains("credentials not found"))
            return FoundCredentials{};
        return Error{QStringLiteral("the credential helper %1 failed for %2: %3")
                         .arg(program, host,
                              QString::fromUtf8(out + helper.readAllStandardError()).trimmed()),
                     program};
    }
    const QJsonObject answer = QJsonDocument::fromJson(out).object();
    if (!answer.contains(u"Secret"))
        return Error{QStringLiteral("the credential helper %1 answered something else than its "
                                    "JSON for %2")
                         .arg(program, host),
                     program};
    return FoundCredentials{RegistryCredentials{answer.value(u"Username").toString(),
                                                answer.value(u"Secret").toString()},
                            program};
}

} // namespace

QString credentialServer(const QString& host)
{
    return isDockerHub(host) ? QStringLiteral("https://index.docker.io/v1/") : host;
}

Result<FoundCredentials> dockerCredentials(const QString& host,
                                           const QProcessEnvironment& environment)
{
    QString folder = environment.value(QStringLiteral("DOCKER_CONFIG"));
    if (folder.isEmpty())
        folder = environment.value(QStringLiteral("HOME")) + QStringLiteral("/.docker");
    const QString file = QDir(folder).filePath(QStringLiteral("config.json"));
    QFile config(file);
    if (!config.exists())
        return FoundCredentials{};
    if (!config.open(QIODevice::ReadOnly))
        return Error{
            QStringLiteral("cannot read the docker configuration: %1").arg(config.errorString()),
            file};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(config.readAll(), &parseError);
    if (!document.isObject())
        return Error{QStringLiteral("the docker configuration is not JSON: %1 at byte %2")
                         .arg(parseError.errorString())
                         .arg(parseError.offset),
                     file};
    const QJsonObject root = document.object();
    const auto sameHost = [&](const QString& key) {
        return isDockerHub(host) ? isDockerHub(key) || isDockerHub(hostOf(key))
                                 : hostOf(key) == host;
    };

    const QJsonObject helpers = root.value(u"credHelpers").toObject();
    for (auto it = helpers.begin(); it != helpers.end(); ++it) {
        if (sameHost(it.key()))
            return askHelper(it.value().toString(), host, environment);
    }
    if (const QString store = root.value(u"credsStore").toString(); !store.isEmpty())
        return askHelper(store, host, environment);

    const QJsonObject auths = root.value(u"auths").toObject();
    for (auto it = auths.begin(); it != auths.end(); ++it) {
        if (!sameHost(it.key()))
            continue;
        const QString encoded = it.value()[u"auth"].toString();
        if (encoded.isEmpty())
            return FoundCredentials{};
        const auto decoded = QByteArray::fromBase64Encoding(encoded.toLatin1());
        const qsizetype colon = decoded ? decoded.decoded.indexOf(':') : -1;
        if (colon <= 0)
            return Error{QStringLiteral("the docker configuration's auths entry for %1 is not "
                                        "base64 \"user:password\"")
                             .arg(it.key()),
                         file};
        return FoundCredentials{
            RegistryCredentials{QString::fromUtf8(decoded.decoded.left(colon)),
                                QString::fromUtf8(decoded.decoded.mid(colon + 1))},
            QStringLiteral("config.json auths")};
    }
    return FoundCredentials{};
}

Result<FoundCredentials> registryCredentials(const QString& host,
                                             const QProcessEnvironment& environment,
                                             std::chrono::milliseconds keyringTimeout)
{
    Result<FoundCredentials> docker = dockerCredentials(host, environment);
    if (!docker || docker->credentials)
        return docker;
    KeyringCredentials stored = readKeyringCredentials(host, keyringTimeout);
    if (!stored.credentials)
        return FoundCredentials{std::nullopt, {}, stored.note};
    return FoundCredentials{std::move(stored.credentials), QStringLiteral("keyring"), {}};
}

} // namespace launchdeck::registry
