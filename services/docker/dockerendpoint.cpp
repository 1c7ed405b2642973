// Parsing DOCKER_HOST and friends into an endpoint, and the URLs libcurl is given for it.
#include "docker/dockerendpoint.h"

#include "workspace/workspace.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

namespace launchdeck {

namespace {

// sockaddr_un::sun_path holds 108 bytes including the terminating zero.
constexpr qsizetype maxSocketPathBytes = 107;

Error endpointError(const QString& message, const QString& dockerHost)
{
    return Error{message, QStringLiteral("DOCKER_HOST=") + dockerHost};
}

} // namespace

QString DockerEndpoint::toString() const
{
    if (kind == Kind::Unix)
        return QStringLiteral("unix://") + socketPath;
    return QStringLiteral("tcp://") + host + u':' + QString::number(port);
}

QByteArray DockerEndpoint::url(const QString& apiVersion, const QString& pathAndQuery) const
{
    QString base;
    if (kind == Kind::Unix) {
        // The host name is not used on a unix socket, but HTTP/1.1 needs one in the Host header.
        base = QStringLiteral("http://localhost");
    } else {
        const QString hostPart = host.contains(u':') ? u'[' + host + u']' : host;
        base = (tls ? QStringLiteral("https://") : QStringLiteral("http://")) + hostPart + u':' +
               QString::number(port);
    }
    if (!apiVersion.isEmpty())
        base += QStringLiteral("/v") + apiVersion;
    return (base + pathAndQuery).toUtf8();
}

Result<DockerEndpoint> DockerEndpoint::parse(const QString& dockerHost, bool tlsVerify,
                                             const QString& certPath)
{
    DockerEndpoint endpoint;
    const QString value = dockerHost.trimmed();
    if (value.isEmpty())
        return endpointError(QStringLiteral("no Docker host given"), dockerHost);

    if (value.startsWith(u"unix://")) {
        endpoint.kind = Kind::Unix;
        endpoint.socketPath = value.mid(7);
        if (endpoint.socketPath.isEmpty() || !endpoint.socketPath.startsWith(u'/'))
            return endpointError(QStringLiteral("the socket path must be absolute"), dockerHost);
        if (QFile::encodeName(endpoint.socketPath).size() > maxSocketPathBytes)
            return endpointError(
                QStringLiteral("the socket path is longer than %1 bytes").arg(maxSocketPathBytes),
                dockerHost);
        if (tlsVerify)
            return endpointError(QStringLiteral("TLS is only for tcp:// hosts"), dockerHost);
        return endpoint;
    }

    QString rest = value;
    if (value.startsWith(u"tcp://"))
        rest = value.mid(6);
    else if (value.contains(u"://"))
        return endpointError(QStringLiteral("unsupported scheme (use unix:// or tcp://)"),
                             dockerHost);
    if (rest.endsWith(u'/'))
        rest.chop(1);

    const QUrl url(QStringLiteral("tcp://") + rest);
    if (!url.isValid() || url.host().isEmpty() || !url.path().isEmpty())
        return endpointError(QStringLiteral("expected tcp://HOST:PORT"), dockerHost);
    endpoint.kind = Kind::Tcp;
    endpoint.host = url.host();
    endpoint.tls = tlsVerify;
    endpoint.port = url.port(tlsVerify ? 2376 : 2375);

    if (tlsVerify) {
        const QDir dir(certPath.isEmpty() ? QDir::home().filePath(QStringLiteral(".docker"))
                                          : certPath);
        endpoint.caFile = dir.filePath(QStringLiteral("ca.pem"));
        endpoint.certFile = dir.filePath(QStringLiteral("cert.pem"));
        endpoint.keyFile = dir.filePath(QStringLiteral("key.pem"));
        for (const QString& file : {endpoint.caFile, endpoint.certFile, endpoint.keyFile}) {
            if (!QFileInfo(file).isReadable())
                return endpointError(QStringLiteral("TLS file %1 is missing or unreadable")
                                         .arg(QDir::toNativeSeparators(file)),
                                     dockerHost);
        }
    }
    return endpoint;
}

Result<DockerEndpoint> DockerEndpoint::fromEnvironment()
{
    QString host = qEnvironmentVariable("DOCKER_HOST");
    if (host.isEmpty())
        host = QStringLiteral("unix:///var/run/docker.sock");
    // The docker CLI turns TLS on for any non-empty DOCKER_TLS_VERIFY, "0" included.
    const bool tlsVerify = !qEnvironmentVariable("DOCKER_TLS_VERIFY").isEmpty();
    return parse(host, tlsVerify, qEnvironmentVariable("DOCKER_CERT_PATH"));
}

Result<DockerEndpoint> endpointForTarget(const Target& target, const QString& root)
{
    Result<DockerEndpoint> parsed = target.host.isEmpty() ? DockerEndpoint::fromEnvironment()
                                                          : DockerEndpoint::parse(target.host);
    if (!parsed || target.tls.caFile.isEmpty())
        return parsed;
    // TLS files are relative to the workspace, as every other path in it.
    DockerEndpoint endpoint = *parsed;
    const QDir base(root);
    endpoint.tls = true;
    endpoint.caFile = base.absoluteFilePath(target.tls.caFile);
    endpoint.certFile = base.absoluteFilePath(target.tls.certFile);
    endpoint.keyFile = base.absoluteFilePath(target.tls.keyFile);
    return endpoint;
}

} // namespace launchdeck
