// docker-registry under QProcess with its configuration, certificates and htpasswd file.
#include "fakes/registryserver.h"

#include "fakes/localhttpserver.h"
#include "fakes/testcertificates.h"
#include "fakes/testfiles.h"

#include <QDeadlineTimer>
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

RegistryServer::RegistryServer() = default;

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
auth:
  htpasswd:
    realm: launchdeck-test
    path: %5
)")
            .arg(path(QStringLiteral("data")))
            .arg(m_port)
            .arg(path(QStringLiteral("server.crt")), path(QStringLiteral("server.key")),
                 path(QStringLiteral("htpasswd")))
            .toUtf8();
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
