// Running exec credential plugins as client-go's exec authenticator does, with a time limit
// and messages that keep the credential out of sight.
#include "kubernetes/execcredential.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>

namespace launchdeck {

namespace {

constexpr qsizetype kStderrTail = 1000;

QString pluginName(const ClusterConnection& c)
{
    return QStringLiteral("exec plugin \"%1\" of user \"%2\"").arg(c.exec.command, c.userName);
}

// The end of what the plugin wrote to stderr, where its reason usually is. Anything the
// kubeconfig holds as a secret (declared env values, a password) is masked should the plugin
// echo it.
QString stderrTail(const QByteArray& bytes, const ClusterConnection& c,
                   const QString& previousToken)
{
    QString text = QString::fromUtf8(bytes.right(kStderrTail)).trimmed();
    QStringList secrets{c.password, c.token, previousToken};
    for (const KubeExecEnvVar& var : c.exec.env)
        secrets.append(var.value);
    for (const QString& secret : std::as_const(secrets))
        if (secret.size() >= 4)
            text.replace(secret, QStringLiteral("****"));
    return text.isEmpty() ? QStringLiteral("(nothing on stderr)") : text;
}

std::optional<QDateTime> parseRfc3339(const QString& text)
{
    static const QRegularExpression shape(QStringLiteral(
        R"(^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)"));
    if (!shape.match(text).hasMatch())
        return std::nullopt;
    QDateTime time = QDateTime::fromString(text.toUpper(), Qt::ISODateWithMs);
    if (!time.isValid())
        return std::nullopt;
    return time.toUTC();
}

} // namespace

Result<ExecCredential> parseExecCredential(const QByteArray& answer, const QString& apiVersion)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(answer, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error{QStringLiteral("the plugin's answer is not JSON (%1 at byte %2)")
                         .arg(parseError.errorString())
                         .arg(parseError.offset)};
    if (!document.isObject())
        return Error{QStringLiteral("the plugin's answer is not a JSON object")};
    const QJsonObject root = document.object();
    const QString answeredVersion = root.value(u"apiVersion").toString();
    if (answeredVersion != apiVersion)
        return Error{QStringLiteral("the plugin answered with apiVersion \"%1\" but the "
                                    "kubeconfig asks for \"%2\"")
                         .arg(answeredVersion, apiVersion)};
    if (root.value(u"kind").toString() != u"ExecCredential")
        return Error{QStringLiteral("the plugin's answer is a \"%1\", not an ExecCredential")
                         .arg(root.value(u"kind").toString())};
    if (!root.value(u"status").isObject())
        return Error{QStringLiteral("the plugin's ExecCredential has no status")};
    const QJsonObject status = root.value(u"status").toObject();
    ExecCredential credential;
    credential.token = status.value(u"token").toString();
    credential.clientCertificateData = status.value(u"clientCertificateData").toString().toUtf8();
    credential.clientKeyData = status.value(u"clientKeyData").toString().toUtf8();
    if (credential.clientCertificateData.isEmpty() != credential.clientKeyData.isEmpty())
        return Error{QStringLiteral("the plugin returned only one of clientCertificateData and "
                                    "clientKeyData; both are needed")};
    if (credential.token.isEmpty() && credential.clientCertificateData.isEmpty())
        return Error{QStringLiteral("the plugin returned neither a token nor a client "
                                    "certificate and key")};
    const QJsonValue expiry = status.value(u"expirationTimestamp");
    if (!expiry.isUndefined() && !expiry.isNull()) {
        const auto time = parseRfc3339(expiry.toString());
        if (!time)
            return Error{QStringLiteral("the plugin's expirationTimestamp \"%1\" is not an "
                                        "RFC 3339 time")
                             .arg(expiry.toString())};
        credential.expiry = *time;
    }
    return credential;
}

QByteArray execInfo(const ClusterConnection& c)
{
    QJsonObject spec{{QStringLiteral("interactive"), false}};
    if (c.exec.provideClusterInfo) {
        QJsonObject cluster{{QStringLiteral("server"), c.server}};
        if (!c.tlsServerName.isEmpty())
            cluster.insert(QStringLiteral("tls-server-name"), c.tlsServerName);
        if (c.insecureSkipTlsVerify)
            cluster.insert(QStringLiteral("insecure-skip-tls-verify"), true);
        if (!c.caData.isEmpty())
            cluster.insert(QStringLiteral("certificate-authority-data"),
                           QString::fromLatin1(c.caData.toBase64()));
        if (!c.proxyUrl.isEmpty())
            cluster.insert(QStringLiteral("proxy-url"), c.proxyUrl);
        if (c.disableCompression)
            cluster.insert(QStringLiteral("disable-compression"), true);
        spec.insert(QStringLiteral("cluster"), cluster);
    }
    const QJsonObject request{{QStringLiteral("kind"), QStringLiteral("ExecCredential")},
                              {QStringLiteral("apiVersion"), c.exec.apiVersion},
                              {QStringLiteral("spec"), spec}};
    return QJsonDocument(request).toJson(QJsonDocument::Compact);
}

ExecCredentialProvider::ExecCredentialProvider(ClusterConnection connection)
    : m_connection(std::move(connection))
    , m_clock([] { return QDateTime::currentDateTimeUtc(); })
{}

int ExecCredentialProvider::runs() const
{
    QMutexLocker lock(&m_mutex);
    return m_runs;
}

Result<ExecCredential> ExecCredentialProvider::credential()
{
    QMutexLocker lock(&m_mutex);
    // Expired only once the clock is past the timestamp, as client-go decides.
    if (m_cached && (!m_cached->expiry || m_clock() <= *m_cached->expiry))
        return *m_cached;
    return run();
}

Result<ExecCredential>
ExecCredentialProvider::refreshAfterUnauthorized(const ExecCredential& rejected)
{
    QMutexLocker lock(&m_mutex);
    if (m_cached && !(*m_cached == rejected))
        return *m_cached;
    return run();
}

Result<ExecCredential> ExecCredentialProvider::run()
{
    const ClusterConnection& c = m_connection;
    const QString where = c.origin.where();
    if (!c.hasExec)
        return Error{QStringLiteral("user \"%1\" has no exec plugin").arg(c.userName), where};
    if (c.exec.interactiveMode == u"Always")
        return Error{pluginName(c) + QStringLiteral(" asks for a terminal (interactiveMode: "
                                                    "Always), which Launchdeck cannot give it"),
                     where};
    const QString program = c.exec.command.contains(u'/')
                                ? c.exec.command
                                : QStandardPaths::findExecutable(c.exec.command);
    if (program.isEmpty() || !QFileInfo(program).isFile()) {
        QString message = pluginName(c) + QStringLiteral(" was not found");
        if (!c.exec.installHint.isEmpty())
            message += QStringLiteral(": ") + c.exec.installHint.trimmed();
        return Error{message, where};
    }

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const KubeExecEnvVar& var : c.exec.env)
        env.insert(var.name, var.value);
    env.insert(QStringLiteral("KUBERNETES_EXEC_INFO"), QString::fromUtf8(execInfo(c)));

    QProcess process;
    process.setProgram(program);
    process.setArguments(c.exec.args);
    process.setProcessEnvironment(env);
    process.setStandardInputFile(QProcess::nullDevice());
    ++m_runs;
    process.start();
    const int timeoutMs = static_cast<int>(m_timeout.count());
    if (!process.waitForStarted(timeoutMs))
        return Error{pluginName(c) + QStringLiteral(" could not start: ") + process.errorString(),
                     where};
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        return Error{pluginName(c) + QStringLiteral(" gave no answer within %1 s and was stopped")
                                         .arg(static_cast<double>(timeoutMs) / 1000.0),
                     where};
    }
    const QByteArray errors = process.readAllStandardError();
    const QString previousToken = m_cached ? m_cached->token : QString();
    if (process.exitStatus() != QProcess::NormalExit)
        return Error{pluginName(c) + QStringLiteral(" crashed: ") +
                         stderrTail(errors, c, previousToken),
                     where};
    if (process.exitCode() != 0)
        return Error{pluginName(c) + QStringLiteral(" exited with code %1: %2")
                                         .arg(process.exitCode())
                                         .arg(stderrTail(errors, c, previousToken)),
                     where};
    Result<ExecCredential> credential =
        parseExecCredential(process.readAllStandardOutput(), c.exec.apiVersion);
    if (!credential)
        return Error{pluginName(c) + QStringLiteral(": ") + credential.error().message, where};
    m_cached = *credential;
    return credential;
}

} // namespace launchdeck
