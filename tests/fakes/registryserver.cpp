// docker-registry under QProcess with its configuration, certificates and htpasswd file.
#include "fakes/registryserver.h"

#include "fakes/localhttpserver.h"
#include "fakes/testcertificates.h"
#include "fakes/testfiles.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QThread>

#include <curl/curl.h>

namespace launchdeck::test {

namespace {

constexpr int kReadyTimeoutMs = 20'000;

// The status /v2/ answers over TLS with the test CA, or 0 while nothing listens.
long statusOf(const QString& url, const QString& caFile)
{
    CURL* easy = curl_easy_init();
    if (!easy)
        return 0;
    const QByteArray target = url.toUtf8();
    const QByteArray ca = caFile.toUtf8();
    curl_easy_setopt(easy, CURLOPT_URL, target.constData());
    curl_easy_setopt(easy, CURLOPT_CAINFO, ca.constData());
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 2000L);
    curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
    long status = 0;
    if (curl_easy_perform(easy) == CURLE_OK)
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(easy);
    return status;
}

} // namespace

RegistryServer::RegistryServer(SignIn signIn)
    : m_signIn(signIn)
{}

QString RegistryServer::tokenRealm() const
{
    return m_tokenPort ? QStringLiteral("http://127.0.0.1:%1/token").arg(m_tokenPort) : QString();
}

bool RegistryServer::startTokenService(QString* error)
{
    TestCertificates certificates(m_dir.path());
    if (!certificates.sign(QStringLiteral("token"), QStringLiteral("/CN=launchdeck-test-token"),
                           "keyUsage=digitalSignature\n", error))
        return false;
    m_tokenPort = pickFreeLoopbackPort();
    m_tokenService = std::make_unique<QProcess>();
    m_tokenService->setStandardErrorFile(path(QStringLiteral("token.log")));
    m_tokenService->start(
        findProgram(QStringLiteral("python3")),
        {QStringLiteral(LAUNCHDECK_REGISTRY_TOKEN_SCRIPT), QStringLiteral("--port"),
         QString::number(m_tokenPort), QStringLiteral("--key"), path(QStringLiteral("token.key")),
         QStringLiteral("--cert"), path(QStringLiteral("token.crt")), QStringLiteral("--issuer"),
         QStringLiteral("launchdeck-test-issuer"), QStringLiteral("--service"),
         QStringLiteral("launchdeck-test-registry"), QStringLiteral("--user"), username(),
         QStringLiteral("--password"), password()});
    // It says "listening" once its socket is bound.
    if (!m_tokenService->waitForReadyRead(15'000) ||
        !m_tokenService->readAllStandardOutput().startsWith("listening")) {
        if (error)
            *error = u"the token service did not start: "_qs +
                     QString::fromUtf8(readFile(path(QStringLiteral("token.log")))).right(2000);
        return false;
    }
    return true;
}

QByteArray RegistryServer::dockerConfig(const QString& secret) const
{
    const QByteArray auth = (username() + u':' + secret).toUtf8().toBase64();
    return "{\"auths\": {\"" + host().toUtf8() + "\": {\"auth\": \"" + auth + "\"}}}";
}

registry::RegistryEndpoint RegistryServer::endpoint(bool withCredentials) const
{
    registry::RegistryEndpoint where;
    where.host = host();
    where.caFile = caFile();
    if (withCredentials)
        where.credentials = registry::RegistryCredentials{username(), password()};
    return where;
}

bool RegistryServer::installCa(const QString& certsDir) const
{
    const QString target = certsDir + u'/' + host() + QStringLiteral("/ca.crt");
    return QDir().mkpath(QFileInfo(target).absolutePath()) && QFile::copy(caFile(), target);
}

QByteArray RegistryServer::authConfig() const
{
    if (m_signIn == SignIn::Token)
        return QStringLiteral(
                   "auth:\n  token:\n    realm: %1\n    service: launchdeck-test-registry\n"
                   "    issuer: launchdeck-test-issuer\n    rootcertbundle: %2\n")
            .arg(tokenRealm(), path(QStringLiteral("ca.crt")))
            .toUtf8();
    return QStringLiteral("auth:\n  htpasswd:\n    realm: launchdeck-test\n    path: %1\n")
        .arg(path(QStringLiteral("htpasswd")))
        .toUtf8();
}

RegistryServer::~RegistryServer()
{
    stop();
}

QString RegistryServer::host() const
{
    return QStringLiteral("127.0.0.1:%1").arg(m_port);
}

QString RegistryServer::url() const
{
    return u"https://" + host();
}

QString RegistryServer::caFile() const
{
    return path(QStringLiteral("ca.crt"));
}

bool RegistryServer::start(QString* error)
{
    QString ignored;
    QString& why = error ? *error : ignored;
    const QString registry = findProgram(QStringLiteral("docker-registry"));
    const QString htpasswd = findProgram(QStringLiteral("htpasswd"));
    if (registry.isEmpty() || htpasswd.isEmpty()) {
        why = QStringLiteral("docker-registry and htpasswd (packages docker-registry and "
                             "apache2-utils) are needed for the registry tests");
        return false;
    }
    if (!m_dir.isValid()) {
        why = u"cannot make a temporary folder: " + m_dir.errorString();
        return false;
    }
    TestCertificates certificates(m_dir.path());
    if (!certificates.makeCa(&why) || !certificates.signServer(QStringLiteral("server"), &why))
        return false;
    QProcess hash;
    hash.start(htpasswd, {QStringLiteral("-Bbn"), username(), password()});
    if (!hash.waitForFinished(30'000) || hash.exitCode() != 0) {
        why = u"htpasswd failed: " + QString::fromUtf8(hash.readAllStandardError());
        return false;
    }
    if (!writeText(path(QStringLiteral("htpasswd")), hash.readAllStandardOutput(), &why))
        return false;

    if (m_signIn == SignIn::Token && !startTokenService(&why))
        return false;
    m_port = pickFreeLoopbackPort();
    const QByteArray config =
        QStringLiteral(R"(version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: %1
  delete:
    enabled: true
http:
  addr: 127.0.0.1:%2
  tls:
    certificate: %3
    key: %4
)")
            .arg(path(QStringLiteral("data")))
            .arg(m_port)
            .arg(path(QStringLiteral("server.crt")), path(QStringLiteral("server.key")))
            .toUtf8() +
        authConfig();
    if (!writeText(path(QStringLiteral("config.yml")), config, &why))
        return false;
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardOutputFile(path(QStringLiteral("registry.log")));
    m_process->start(registry, {QStringLiteral("serve"), path(QStringLiteral("config.yml"))});
    if (!m_process->waitForStarted(10'000)) {
        why = u"docker-registry did not start: " + m_process->errorString();
        return false;
    }
    const QDeadlineTimer deadline(kReadyTimeoutMs);
    while (!deadline.hasExpired()) {
        if (m_process->state() != QProcess::Running)
            break;
        if (statusOf(url() + QStringLiteral("/v2/"), caFile()) == 401)
            return true;
        QThread::msleep(100);
    }
    why = u"docker-registry did not answer /v2/ with 401 in time; its log:\n" +
          QString::fromUtf8(readFile(path(QStringLiteral("registry.log")))).right(2000);
    stop();
    return false;
}

void RegistryServer::stop()
{
    if (m_tokenService) {
        m_tokenService->kill();
        m_tokenService->waitForFinished(5000);
        m_tokenService.reset();
    }
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
    m_process.reset();
}

QString RegistryServer::push(const QString& repository, const QString& tag,
                             const QDateTime& created, QString* error)
{
    const QString script = QStringLiteral(LAUNCHDECK_REGISTRY_PUSH_SCRIPT);
    QProcess process;
    process.start(findProgram(QStringLiteral("python3")),
                  {script, QStringLiteral("--url"), url(), QStringLiteral("--ca"), caFile(),
                   QStringLiteral("--user"), username(), QStringLiteral("--password"), password(),
                   QStringLiteral("--repository"), repository, QStringLiteral("--tag"), tag,
                   QStringLiteral("--created"), created.toUTC().toString(Qt::ISODate)});
    if (!process.waitForFinished(60'000) || process.exitCode() != 0) {
        if (error)
            *error = QStringLiteral("pushing %1:%2 failed: %3")
                         .arg(repository, tag, QString::fromUtf8(process.readAllStandardError()));
        return {};
    }
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

} // namespace launchdeck::test
