// endpointOf and expandVariables: from the workspace's words to what the clients take.
#include "prometheus/serverendpoints.h"

#include "prometheus/serverrequest.h"

namespace launchdeck::prometheus {

namespace {

bool isNameCharacter(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}

} // namespace

Result<ServerEndpoint> endpointOf(const MonitoringServer& server, const SecretLookup& secretValue)
{
    ServerEndpoint endpoint;
    endpoint.url = server.url.trimmed();
    const QString where = displayUrl(endpoint);
    if (endpoint.url.isEmpty())
        return Error{QStringLiteral("no server URL given"), where};
    endpoint.caFile = server.tls.caFile;
    endpoint.certFile = server.tls.certFile;
    endpoint.keyFile = server.tls.keyFile;
    endpoint.verifyTls = server.tls.verify;
    switch (server.auth.kind) {
    case ServerAuth::Kind::None:
        return endpoint;
    case ServerAuth::Kind::Bearer:
        endpoint.auth = ServerEndpoint::Auth::Bearer;
        break;
    case ServerAuth::Kind::Basic:
        endpoint.auth = ServerEndpoint::Auth::Basic;
        endpoint.username = server.auth.username;
        if (endpoint.username.isEmpty())
            return Error{QStringLiteral("basic sign-in needs a username"), where};
        break;
    }
    const QString& name = server.auth.secret;
    if (name.isEmpty()) {
        const QString what = endpoint.auth == ServerEndpoint::Auth::Bearer
                                 ? QStringLiteral("token")
                                 : QStringLiteral("password");
        return Error{u"sign-in needs the name of the secret holding the " + what, where};
    }
    const std::optional<QString> value = secretValue ? secretValue(name) : std::nullopt;
    if (!value || value->isEmpty())
        return Error{u"the secret " + name +
                         u" is not set (neither in the environment nor in the keyring)",
                     where};
    endpoint.secret = *value;
    return endpoint;
}

QString expandVariables(const QString& query, const QMap<QString, QString>& values)
{
    // A variable's name runs as far as name characters go, so $app is never a prefix of
    // $application; one pass, so a value holding "$env" stays as it is.
    QString expanded;
    expanded.reserve(query.size());
    qsizetype i = 0;
    while (i < query.size()) {
        const QChar c = query.at(i);
        if (c != u'$' || i + 1 >= query.size()) {
            expanded += c;
            ++i;
            continue;
        }
        if (query.at(i + 1) == u'{') {
            const qsizetype close = query.indexOf(u'}', i + 2);
            if (close > 0) {
                const QString name = query.mid(i + 2, close - i - 2);
                if (const auto it = values.constFind(name); it != values.constEnd()) {
                    expanded += *it;
                    i = close + 1;
                    continue;
                }
            }
            expanded += c;
            ++i;
            continue;
        }
        qsizetype end = i + 1;
        while (end < query.size() && isNameCharacter(query.at(end)))
            ++end;
        const QString name = query.mid(i + 1, end - i - 1);
        if (const auto it = values.constFind(name); !name.isEmpty() && it != values.constEnd()) {
            expanded += *it;
            i = end;
        } else {
            expanded += query.mid(i, end - i);
            i = end;
        }
    }
    return expanded;
}

QString serverIdentity(const MonitoringServer& server)
{
    if (!server.isSet())
        return {};
    return QStringList{server.url,
                       QString::number(int(server.auth.kind)),
                       server.auth.username,
                       server.auth.secret,
                       server.tls.caFile,
                       server.tls.certFile,
                       server.tls.keyFile,
                       server.tls.verify ? QStringLiteral("verify") : QStringLiteral("trust")}
        .join(u'\x1f');
}

void addSecretName(const MonitoringServer& server, QStringList& names)
{
    if (server.isSet() && server.auth.kind != ServerAuth::Kind::None &&
        !server.auth.secret.isEmpty() && !names.contains(server.auth.secret))
        names.append(server.auth.secret);
}

} // namespace launchdeck::prometheus
