// Reading what Prometheus and Alertmanager need from launchdeck.yaml: the servers of an
// environment with their sign-in and TLS, PromQL queries, conditions and the rollback triggers
// that use them.
#include "workspace/workspaceparser.h"

#include "core/analysiscondition.h"
#include "core/yamlsource.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include <algorithm>
#include <variant>

namespace launchdeck::workspace_detail {

namespace {

thread_local const QByteArray* t_sourceText = nullptr;

// The secret's name goes into messages; its value never does, and a name that does not look
// like one may well be the value pasted in the wrong place.
void checkSecretName(YamlMapReader& reader, const YAML::Node& node, const QString& name,
                     const QString& what)
{
    if (!isSecretName(name)) {
        reader.error(node, QStringLiteral("bad-name"),
                     QStringLiteral("%1 must name a secret (letters, digits and _, e.g. "
                                    "PROMETHEUS_TOKEN); put the value itself in the keyring or "
                                    "the environment")
                         .arg(what));
    }
}

ServerAuth readAuth(const YAML::Node& node, const QString& what, const QString& path,
                    Diagnostics& out)
{
    ServerAuth auth;
    YamlMapReader reader(node, path, what, out);
    if (!reader.isMap())
        return auth;
    // A token or password written here would live in the repository's history for good.
    for (const char* literal : {"token", "bearer", "bearer_token", "password"}) {
        if (reader.has(literal)) {
            reader.error(reader.take(literal), QStringLiteral("secret-in-workspace"),
                         QStringLiteral("%1 must not hold the %2 itself: name the secret that "
                                        "holds it with bearer_secret or password_secret")
                             .arg(what, QLatin1String(literal)));
        }
    }
    const YAML::Node bearerNode = reader.take("bearer_secret");
    const YAML::Node usernameNode = reader.take("username");
    const YAML::Node passwordNode = reader.take("password_secret");
    const auto bearer = reader.string("bearer_secret");
    const auto username = reader.string("username");
    const auto password = reader.string("password_secret");
    if (bearer && (username || password)) {
        reader.error(bearerNode, QStringLiteral("bad-auth"),
                     QStringLiteral("%1 takes bearer_secret, or username with password_secret, "
                                    "not both")
                         .arg(what));
    } else if (bearer) {
        checkSecretName(reader, bearerNode, *bearer, QStringLiteral("bearer_secret of ") + what);
        auth.kind = ServerAuth::Kind::Bearer;
        auth.secret = *bearer;
    } else if (username || password) {
        if (!password) {
            reader.error(usernameNode, QStringLiteral("missing-field"),
                         QStringLiteral("%1 names a username but no password_secret").arg(what));
        } else if (!username || username->trimmed().isEmpty()) {
            reader.error(username ? usernameNode : passwordNode, QStringLiteral("missing-field"),
                         QStringLiteral("%1 names a password_secret but no username").arg(what));
        } else {
            checkSecretName(reader, passwordNode, *password,
                            QStringLiteral("password_secret of ") + what);
            auth.kind = ServerAuth::Kind::Basic;
            auth.username = *username;
            auth.secret = *password;
        }
    } else if (reader.isMap()) {
        reader.error(
            node, QStringLiteral("missing-field"),
            QStringLiteral("%1 needs bearer_secret, or username with password_secret").arg(what));
    }
    reader.finish();
    return auth;
}

TlsFiles readTls(const YAML::Node& node, const QString& what, const QString& path, Diagnostics& out)
{
    TlsFiles tls;
    YamlMapReader reader(node, path, what, out);
    const QDir base = QFileInfo(path).absoluteDir();
    const auto file = [&](const char* key) {
        const YAML::Node fileNode = reader.take(key);
        const QString name = reader.string(key).value_or(QString());
        if (name.isEmpty())
            return QString();
        const QString absolute = QDir::cleanPath(base.absoluteFilePath(name));
        if (!QFileInfo(absolute).isFile()) {
            reader.error(fileNode, QStringLiteral("missing-file"),
                         QStringLiteral("%1 of %2 names '%3', which is not a file")
                             .arg(QLatin1String(key), what, name),
                         Severity::Medium);
        }
        return absolute;
    };
    tls.caFile = file("ca_file");
    tls.certFile = file("cert_file");
    tls.keyFile = file("key_file");
    tls.verify = reader.boolean("verify").value_or(true);
    if (tls.certFile.isEmpty() != tls.keyFile.isEmpty()) {
        reader.error(node, QStringLiteral("bad-tls"),
                     QStringLiteral("%1 needs cert_file and key_file together").arg(what));
    }
    reader.finish();
    return tls;
}

} // namespace

bool isSecretName(const QString& name)
{
    if (name.isEmpty() || name[0].isDigit())
        return false;
    return std::all_of(name.begin(), name.end(), [](QChar c) {
        return c == u'_' || (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') ||
               (c >= u'0' && c <= u'9');
    });
}

SourceTextScope::SourceTextScope(const QByteArray& text)
    : m_previous(t_sourceText)
{
    t_sourceText = &text;
}

SourceTextScope::~SourceTextScope()
{
    t_sourceText = m_previous;
}

int columnInScalar(const YAML::Node& node, int columnInText)
{
    const int pos = node.Mark().pos;
    if (!t_sourceText || pos < 0 || pos >= t_sourceText->size() || columnInText < 1)
        return yamlColumn(node);
    const QByteArray& source = *t_sourceText;
    qsizetype start = pos;
    const bool quoted = source[start] == '"' || source[start] == '\'';
    if (quoted)
        ++start;
    qsizetype end = source.indexOf('\n', start);
    if (end < 0)
        end = source.size();
    const QString line = QString::fromUtf8(source.mid(start, end - start));
    const QString text = yamlText(node);
    const qsizetype before = columnInText - 1;
    if (before > line.size() || before > text.size() || text.left(before) != line.left(before))
        return yamlColumn(node);
    return yamlColumn(node) + (quoted ? 1 : 0) + int(before);
}

bool checkHttpUrl(YamlMapReader& reader, const YAML::Node& node, const QString& text,
                  const QString& what)
{
    const QUrl url(text, QUrl::StrictMode);
    const bool http = url.scheme() == u"http" || url.scheme() == u"https";
    if (!url.isValid() || !http || url.host().isEmpty()) {
        reader.error(node, QStringLiteral("bad-url"),
                     QStringLiteral("%1 must be an http:// or https:// URL with a host, e.g. "
                                    "http://127.0.0.1:9090")
                         .arg(what));
        return false;
    }
    if (!url.password().isEmpty()) {
        reader.error(node, QStringLiteral("secret-in-workspace"),
                     QStringLiteral("%1 carries a password in its URL: name a secret in auth "
                                    "instead")
                         .arg(what));
        return false;
    }
    return true;
}

MonitoringServer readMonitoringServer(YamlMapReader& reader, const char* key, const QString& owner)
{
    MonitoringServer server;
    const YAML::Node node = reader.take(key);
    if (!node.IsDefined())
        return server;
    server.line = yamlLine(node);
    const QString what = QStringLiteral("%1 of %2").arg(QLatin1String(key), owner);
    if (node.IsScalar()) {
        if (const QString url = yamlText(node); checkHttpUrl(reader, node, url, what))
            server.url = url;
        return server;
    }
    if (!node.IsMap()) {
        reader.error(node, QStringLiteral("wrong-type"),
                     QStringLiteral("%1 must be a URL or a mapping of url, auth and tls, not a %2")
                         .arg(what, yamlKindName(node)));
        return server;
    }
    YamlMapReader serverReader(node, reader.path(), what, reader.diagnostics());
    const YAML::Node urlNode = serverReader.take("url");
    if (const auto url = serverReader.string("url", true);
        url && checkHttpUrl(serverReader, urlNode, *url, what))
        server.url = *url;
    if (const YAML::Node auth = serverReader.take("auth"); auth.IsDefined())
        server.auth =
            readAuth(auth, QStringLiteral("auth of ") + what, reader.path(), reader.diagnostics());
    if (const YAML::Node tls = serverReader.take("tls"); tls.IsDefined()) {
        server.tls =
            readTls(tls, QStringLiteral("tls of ") + what, reader.path(), reader.diagnostics());
        if (server.url.startsWith(u"http://")) {
            serverReader.error(tls, QStringLiteral("bad-tls"),
                               QStringLiteral("tls of %1 applies to https:// URLs only").arg(what),
                               Severity::Medium);
        }
    }
    serverReader.finish();
    return server;
}

std::optional<QString> readCondition(YamlMapReader& reader, const char* key, const QString& owner,
                                     bool required)
{
    const YAML::Node node = reader.take(key);
    const auto text = reader.string(key, required);
    if (!text)
        return text;
    const QString what = QStringLiteral("%1 of %2").arg(QLatin1String(key), owner);
    const auto parsed = AnalysisCondition::read(*text);
    if (const auto* error = std::get_if<AnalysisCondition::SyntaxError>(&parsed)) {
        Diagnostic finding = diagnosticAt(
            reader.path(), node, Severity::High, QStringLiteral("bad-condition"),
            QStringLiteral("%1 is not a condition: %2 at column %3 of '%4' (compare result with "
                           "a number, e.g. \"result < 0.01\")")
                .arg(what, error->reason, QString::number(error->column), *text));
        finding.column = columnInScalar(node, error->column);
        reader.diagnostics().append(finding);
    } else if (required && std::get<AnalysisCondition>(parsed).isEmpty()) {
        reader.error(node, QStringLiteral("bad-condition"),
                     QStringLiteral("%1 is empty: compare result with a number, e.g. "
                                    "\"result > 0.05\"")
                         .arg(what));
    }
    return text;
}

QString readQuery(YamlMapReader& reader, const char* key, const QString& owner)
{
    const YAML::Node node = reader.take(key);
    const QString query = reader.string(key, true).value_or(QString());
    if (node.IsDefined() && node.IsScalar() && query.trimmed().isEmpty()) {
        reader.error(node, QStringLiteral("empty-query"),
                     QStringLiteral("%1 of %2 is empty: write a PromQL expression")
                         .arg(QLatin1String(key), owner));
    }
    return query;
}

std::chrono::milliseconds readHoldFor(YamlMapReader& reader)
{
    return reader.duration("for").value_or(std::chrono::milliseconds{0});
}

QList<PromTrigger> readPromTriggers(YamlMapReader& triggers, const QString& app)
{
    QList<PromTrigger> result;
    const YAML::Node node = triggers.take("prometheus");
    if (!node.IsDefined())
        return result;
    if (!node.IsSequence()) {
        triggers.error(node, QStringLiteral("wrong-type"),
                       QStringLiteral("prometheus triggers of '%1' must be a list of {query, "
                                      "condition, for}")
                           .arg(app));
        return result;
    }
    int index = 0;
    for (const YAML::Node& item : node) {
        ++index;
        const QString owner = QStringLiteral("prometheus trigger %1 of '%2'").arg(index).arg(app);
        YamlMapReader reader(item, triggers.path(), owner, triggers.diagnostics());
        if (!reader.isMap())
            continue;
        PromTrigger trigger;
        trigger.line = yamlLine(item);
        trigger.query = readQuery(reader, "query", owner);
        trigger.condition = readCondition(reader, "condition", owner, true).value_or(QString());
        trigger.holdFor = readHoldFor(reader);
        reader.finish();
        result.append(trigger);
    }
    return result;
}

QStringList readAlertNames(YamlMapReader& triggers, const QString& app)
{
    QStringList names;
    const YAML::Node node = triggers.take("alerts");
    if (!node.IsDefined())
        return names;
    if (!node.IsSequence()) {
        triggers.error(node, QStringLiteral("wrong-type"),
                       QStringLiteral("alerts of the rollback triggers of '%1' must be a list of "
                                      "alert names, e.g. [HighErrorRate]")
                           .arg(app));
        return names;
    }
    for (const YAML::Node& item : node) {
        const auto name =
            yamlString(item, triggers.path(),
                       QStringLiteral("an alert of the rollback triggers of '%1'").arg(app),
                       triggers.diagnostics());
        if (!name)
            continue;
        if (name->trimmed().isEmpty()) {
            triggers.error(
                item, QStringLiteral("bad-value"),
                QStringLiteral("an alert of the rollback triggers of '%1' has no name").arg(app));
        } else if (names.contains(*name)) {
            triggers.error(item, QStringLiteral("duplicate-name"),
                           QStringLiteral("alert '%1' is named twice in the rollback triggers "
                                          "of '%2'")
                               .arg(*name, app),
                           Severity::Low);
        } else {
            names.append(*name);
        }
    }
    return names;
}

} // namespace launchdeck::workspace_detail
