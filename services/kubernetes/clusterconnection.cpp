// Resolving a kubeconfig context, with client-go's validation rules and its precedence between
// a value written inline (-data, token) and the file naming the same thing.
#include "kubernetes/clusterconnection.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace launchdeck {

namespace {

QString besideOrigin(const KubeOrigin& origin, const QString& path)
{
    if (path.isEmpty() || QDir::isAbsolutePath(path))
        return path;
    return QDir::cleanPath(QFileInfo(origin.file).absoluteDir().absoluteFilePath(path));
}

// Reads a PEM file named by an entry. The message names the field and file, not the content.
Result<QByteArray> readMaterial(const KubeOrigin& origin, const QString& owner,
                                const QString& field, const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("%1: cannot read %2 \"%3\": %4")
                         .arg(owner, field, path, file.errorString()),
                     origin.where()};
    return file.readAll();
}

} // namespace

Result<QString> BearerTokenFile::token()
{
    const QFileInfo info(m_path);
    if (!info.exists())
        return Error{QStringLiteral("token file does not exist"), m_path};
    const QDateTime modified = info.lastModified();
    if (m_size >= 0 && modified == m_modified && info.size() == m_size)
        return m_token;
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("cannot read token file: ") + file.errorString(), m_path};
    const QString text = QString::fromUtf8(file.readAll()).trimmed();
    if (text.isEmpty())
        return Error{QStringLiteral("token file is empty"), m_path};
    m_token = text;
    m_modified = modified;
    m_size = info.size();
    return m_token;
}

Result<ClusterConnection> resolveContext(const Kubeconfig& config, const QString& contextName)
{
    const QString files =
        config.files.isEmpty() ? QStringLiteral("kubeconfig") : config.files.join(u':');
    const QString name = contextName.isEmpty() ? config.currentContext : contextName;
    if (name.isEmpty())
        return Error{config.files.isEmpty()
                         ? QStringLiteral("no kubeconfig found: KUBECONFIG is not set and "
                                          "~/.kube/config does not exist")
                         : QStringLiteral("no context given and current-context is not set"),
                     files};
    const auto contextIt = config.contexts.constFind(name);
    if (contextIt == config.contexts.cend())
        return Error{contextName.isEmpty()
                         ? QStringLiteral("current-context names context \"%1\", which is not "
                                          "defined")
                               .arg(name)
                         : QStringLiteral("context \"%1\" is not defined").arg(name),
                     contextName.isEmpty() ? config.currentContextOrigin.where() : files};
    const KubeconfigContext& context = *contextIt;
    const QString contextOwner = QStringLiteral("context \"%1\"").arg(name);
    if (context.cluster.isEmpty())
        return Error{contextOwner + QStringLiteral(" names no cluster"), context.origin.where()};
    if (context.user.isEmpty())
        return Error{contextOwner + QStringLiteral(" names no user"), context.origin.where()};
    const auto clusterIt = config.clusters.constFind(context.cluster);
    if (clusterIt == config.clusters.cend())
        return Error{
            contextOwner +
                QStringLiteral(" names cluster \"%1\", which is not defined").arg(context.cluster),
            context.origin.where()};
    const auto userIt = config.users.constFind(context.user);
    if (userIt == config.users.cend())
        return Error{
            contextOwner +
                QStringLiteral(" names user \"%1\", which is not defined").arg(context.user),
            context.origin.where()};
    const KubeconfigCluster& cluster = *clusterIt;
    const KubeconfigUser& user = *userIt;
    const QString clusterOwner = QStringLiteral("cluster \"%1\"").arg(cluster.name);
    const QString userOwner = QStringLiteral("user \"%1\"").arg(user.name);

    ClusterConnection c;
    c.contextName = name;
    c.clusterName = cluster.name;
    c.userName = user.name;
    c.nameSpace = context.nameSpace;
    c.origin = context.origin;

    if (cluster.server.isEmpty())
        return Error{clusterOwner + QStringLiteral(" has no server"), cluster.origin.where()};
    c.server = cluster.server;
    c.tlsServerName = cluster.tlsServerName;
    c.proxyUrl = cluster.proxyUrl;
    c.disableCompression = cluster.disableCompression;

    // -data wins over the file, as in kubectl.
    if (!cluster.certificateAuthorityData.isEmpty()) {
        c.caData = cluster.certificateAuthorityData;
    } else if (!cluster.certificateAuthority.isEmpty()) {
        c.caFile = besideOrigin(cluster.origin, cluster.certificateAuthority);
        auto ca = readMaterial(cluster.origin, clusterOwner,
                               QStringLiteral("certificate-authority"), c.caFile);
        if (!ca)
            return ca.error();
        c.caData = *ca;
    }
    if (cluster.insecureSkipTlsVerify) {
        // A CA asks for the server to be verified against it and insecure asks for no
        // verification at all; client-go will not guess which was meant, and neither does
        // Launchdeck.
        if (!c.caData.isEmpty())
            return Error{clusterOwner +
                             QStringLiteral(" sets insecure-skip-tls-verify together with a "
                                            "certificate authority; a CA asks for the server "
                                            "to be verified and insecure for no verification, "
                                            "so remove one of them"),
                         cluster.origin.where()};
        c.insecureSkipTlsVerify = true;
        c.insecureWarning = QStringLiteral("TLS verification is off for cluster \"%1\" "
                                           "(insecure-skip-tls-verify): the server's identity is "
                                           "not checked")
                                .arg(cluster.name);
    }

    if (!user.clientCertificateData.isEmpty()) {
        c.clientCertificateData = user.clientCertificateData;
    } else if (!user.clientCertificate.isEmpty()) {
        c.clientCertificateFile = besideOrigin(user.origin, user.clientCertificate);
        auto cert = readMaterial(user.origin, userOwner, QStringLiteral("client-certificate"),
                                 c.clientCertificateFile);
        if (!cert)
            return cert.error();
        c.clientCertificateData = *cert;
    }
    if (!user.clientKeyData.isEmpty()) {
        c.clientKeyData = user.clientKeyData;
    } else if (!user.clientKey.isEmpty()) {
        c.clientKeyFile = besideOrigin(user.origin, user.clientKey);
        auto key =
            readMaterial(user.origin, userOwner, QStringLiteral("client-key"), c.clientKeyFile);
        if (!key)
            return key.error();
        c.clientKeyData = *key;
    }
    if (c.clientCertificateData.isEmpty() != c.clientKeyData.isEmpty())
        return Error{userOwner + (c.clientKeyData.isEmpty()
                                      ? QStringLiteral(" has a client certificate but no client "
                                                       "key (client-key or client-key-data)")
                                      : QStringLiteral(" has a client key but no client "
                                                       "certificate")),
                     user.origin.where()};

    const bool tokenAuth = !user.token.isEmpty() || !user.tokenFile.isEmpty();
    const bool basicAuth = !user.username.isEmpty() || !user.password.isEmpty();
    if (tokenAuth && basicAuth)
        return Error{userOwner + QStringLiteral(" has both a token and a username and password; "
                                                "only one way to sign in is allowed"),
                     user.origin.where()};
    if (user.hasAuthProvider)
        return Error{userOwner + QStringLiteral(" uses auth-provider, which Kubernetes has "
                                                "removed; use an exec credential plugin instead"),
                     user.origin.where()};
    // token wins over tokenFile, as in client-go.
    if (!user.token.isEmpty())
        c.token = user.token;
    else if (!user.tokenFile.isEmpty())
        c.tokenFile = BearerTokenFile(besideOrigin(user.origin, user.tokenFile));
    c.username = user.username;
    c.password = user.password;
    c.impersonate = user.impersonate;
    c.impersonateGroups = user.impersonateGroups;

    if (user.hasExec) {
        const KubeExecConfig& exec = user.exec;
        if (exec.command.isEmpty())
            return Error{userOwner + QStringLiteral(": exec needs a command"), user.origin.where()};
        if (exec.apiVersion.isEmpty())
            return Error{userOwner + QStringLiteral(": exec needs an apiVersion"),
                         user.origin.where()};
        for (const KubeExecEnvVar& var : exec.env)
            if (var.name.isEmpty())
                return Error{userOwner + QStringLiteral(": an exec env entry has no name"),
                             user.origin.where()};
        if (exec.interactiveMode.isEmpty())
            return Error{userOwner + QStringLiteral(": exec needs interactiveMode (Never, "
                                                    "IfAvailable or Always) with %1")
                                         .arg(exec.apiVersion),
                         user.origin.where()};
        if (exec.interactiveMode != u"Never" && exec.interactiveMode != u"IfAvailable" &&
            exec.interactiveMode != u"Always")
            return Error{userOwner + QStringLiteral(": exec interactiveMode \"%1\" is not Never, "
                                                    "IfAvailable or Always")
                                         .arg(exec.interactiveMode),
                         user.origin.where()};
        c.hasExec = true;
        c.exec = exec;
        // A bare name is looked up on PATH; only a path is relative to the kubeconfig.
        if (exec.command.contains(u'/'))
            c.exec.command = besideOrigin(user.origin, exec.command);
    }
    return c;
}

} // namespace launchdeck
