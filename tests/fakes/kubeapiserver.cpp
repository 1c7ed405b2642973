// The fake API server under QProcess: certificates from the openssl command line, the port read
// from the file the server writes once it listens, requests over libcurl with the test CA.
#include "fakes/kubeapiserver.h"

#include "fakes/testcertificates.h"
#include "fakes/testfiles.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QUuid>

#include <curl/curl.h>
#include <signal.h>
#include <sys/prctl.h>

namespace launchdeck::test {

namespace {

constexpr int kReadyTimeoutMs = 30'000;

size_t collect(char* data, size_t size, size_t count, void* target)
{
    static_cast<QByteArray*>(target)->append(data, qsizetype(size * count));
    return size * count;
}

QString randomToken()
{
    return QUuid::createUuid().toString(QUuid::Id128);
}

} // namespace

KubeApiServer::KubeApiServer() = default;

KubeApiServer::~KubeApiServer()
{
    stop();
}

bool KubeApiServer::makeCertificates(QString* error)
{
    TestCertificates certificates(m_dir.path());
    return certificates.makeCa(error) && certificates.signServer(u"server"_qs, error) &&
           certificates.sign(u"client"_qs, u"/O=system:masters/CN=launchdeck-tester"_qs,
                             "extendedKeyUsage=clientAuth\n", error);
}

bool KubeApiServer::writeKubeconfig(QString* error)
{
    const QString text = QStringLiteral(R"(apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: %1
    certificate-authority: %2
users:
- name: cert
  user:
    client-certificate: %3
    client-key: %4
- name: token
  user:
    token: %5
- name: viewer
  user:
    token: %6
- name: restricted
  user:
    token: %7
contexts:
- name: cert
  context: {cluster: fake, user: cert}
- name: token
  context: {cluster: fake, user: token}
- name: viewer
  context: {cluster: fake, user: viewer}
- name: restricted
  context: {cluster: fake, user: restricted}
current-context: cert
)")
                             .arg(url(), caPath(), clientCertificatePath(), clientKeyPath(),
                                  m_token, m_viewerToken, m_restrictedToken);
    return writeText(kubeconfigPath(), text.toUtf8(), error);
}

bool KubeApiServer::start(QString* error)
{
    QString ignored;
    if (!error)
        error = &ignored;
    stop();
    if (!m_dir.isValid()) {
        *error = u"cannot make a temporary folder: "_qs + m_dir.errorString();
        return false;
    }
    const QString python = findProgram(QStringLiteral("python3"));
    if (python.isEmpty()) {
        *error = QStringLiteral("python3 is not installed");
        return false;
    }
    if (!QFile::exists(path(u"client.crt"_qs)) && !makeCertificates(error))
        return false;
    m_token = randomToken();
    m_viewerToken = randomToken();
    m_restrictedToken = randomToken();
    const QString portFile = path(u"port"_qs);
    QFile::remove(portFile);
    m_process = std::make_unique<QProcess>();
    m_process->setProgram(python);
    // -B: no bytecode cache written into the source tree.
    m_process->setArguments({u"-B"_qs, QStringLiteral(LAUNCHDECK_KUBEAPI_SCRIPT), u"--cert"_qs,
                             path(u"server.crt"_qs), u"--key"_qs, path(u"server.key"_qs),
                             u"--client-ca"_qs, caPath(), u"--token"_qs, m_token,
                             u"--viewer-token"_qs, m_viewerToken, u"--port-file"_qs, portFile,
                             u"--ready-seconds"_qs, QString::number(m_options.readySeconds),
                             u"--log-interval-ms"_qs, QString::number(m_options.logIntervalMs)});
    QStringList arguments = m_process->arguments();
    arguments << u"--restricted-token"_qs << m_restrictedToken;
    for (const QString& rule : m_options.restrictedDeny)
        arguments << u"--restricted-deny"_qs << rule;
    if (!m_options.metrics)
        arguments << u"--no-metrics"_qs;
    m_process->setArguments(arguments);
    m_process->setStandardOutputFile(path(u"server.log"_qs), QIODevice::Append);
    m_process->setStandardErrorFile(path(u"server.log"_qs), QIODevice::Append);
    // A test that crashes or is killed by its timeout must not leave the server behind.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process->start();
    if (!m_process->waitForStarted(10'000)) {
        *error = u"cannot start "_qs + python + u": "_qs + m_process->errorString();
        m_process.reset();
        return false;
    }
    const QDeadlineTimer deadline(kReadyTimeoutMs);
    KubeAnswer answer;
    while (!deadline.hasExpired()) {
        // Waiting on the process, not sleeping, is what notices that it exited.
        if (m_process->state() == QProcess::NotRunning || m_process->waitForFinished(100)) {
            *error = u"the fake API server exited before it was ready; its output:\n"_qs + output();
            m_process.reset();
            return false;
        }
        if (m_port == 0) {
            // Written whole (renamed into place) once the server listens.
            QFile file(portFile);
            if (file.open(QIODevice::ReadOnly))
                m_port = quint16(file.readAll().trimmed().toUInt());
            if (m_port == 0 || !writeKubeconfig(error))
                continue;
        }
        answer = request("GET", u"/readyz"_qs);
        if (answer.status == 200)
            return true;
    }
    *error = u"the fake API server did not answer /readyz with 200 within "_qs +
             QString::number(kReadyTimeoutMs) + u" ms (last: "_qs +
             (answer.status ? QString::number(answer.status) : answer.error) +
             u"); its output:\n"_qs + output();
    stop();
    return false;
}

void KubeApiServer::stop()
{
    if (!m_process)
        return;
    const qint64 pid = m_process->processId();
    if (pid > 0)
        ::kill(pid_t(pid), SIGKILL);
    m_process->waitForFinished(10'000);
    m_process.reset();
    m_port = 0;
}

bool KubeApiServer::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QString KubeApiServer::url() const
{
    return u"https://127.0.0.1:"_qs + QString::number(m_port);
}

QString KubeApiServer::kubeconfigPath() const
{
    return path(u"kubeconfig"_qs);
}

QString KubeApiServer::caPath() const
{
    return path(u"ca.crt"_qs);
}

QString KubeApiServer::clientCertificatePath() const
{
    return path(u"client.crt"_qs);
}

QString KubeApiServer::clientKeyPath() const
{
    return path(u"client.key"_qs);
}

KubeAnswer KubeApiServer::request(const QByteArray& method, const QString& path,
                                  const QByteArray& body) const
{
    return requestAs(m_token, method, path, body);
}

KubeAnswer KubeApiServer::requestAs(const QString& token, const QByteArray& method,
                                    const QString& path, const QByteArray& body) const
{
    return send(token, method, path, body, "application/json");
}

KubeAnswer KubeApiServer::patch(const QString& path, const QByteArray& body,
                                const QByteArray& contentType) const
{
    return send(m_token, "PATCH", path, body, contentType);
}

bool KubeApiServer::appendLog(const QString& namespaceName, const QString& pod,
                              const QString& container, const QByteArray& lines,
                              QString* error) const
{
    const QString path = u"/fake/logs?namespace="_qs + namespaceName + u"&pod="_qs + pod +
                         u"&container="_qs + container;
    const KubeAnswer answer = send(m_token, "POST", path, lines, "text/plain");
    if (answer.status == 200)
        return true;
    if (error)
        *error = u"POST "_qs + path + u" answered "_qs +
                 (answer.status
                      ? QString::number(answer.status) + u": "_qs + QString::fromUtf8(answer.body)
                      : answer.error);
    return false;
}

KubeAnswer KubeApiServer::send(const QString& token, const QByteArray& method, const QString& path,
                               const QByteArray& body, const QByteArray& contentType) const
{
    static const CURLcode initialised = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)initialised;
    KubeAnswer answer;
    CURL* curl = curl_easy_init();
    if (!curl) {
        answer.error = QStringLiteral("cannot make a libcurl handle");
        return answer;
    }
    const QByteArray address = (url() + path).toUtf8();
    const QByteArray ca = caPath().toUtf8();
    const QByteArray authorization = "Authorization: Bearer " + token.toUtf8();
    const QByteArray typeHeader = "Content-Type: " + contentType;
    curl_slist* headers = curl_slist_append(nullptr, typeHeader.constData());
    if (!token.isEmpty())
        headers = curl_slist_append(headers, authorization.constData());
    char reason[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, address.constData());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.constData());
    curl_easy_setopt(curl, CURLOPT_CAINFO, ca.constData());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (!body.isEmpty() || method == "POST" || method == "PUT") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, long(body.size()));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.constData());
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, reason);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10'000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
    else
        answer.error = QString::fromUtf8(reason);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return answer;
}

bool KubeApiServer::compact(bool expireWatches, QString* error)
{
    const KubeAnswer answer = request("POST", expireWatches ? u"/fake/compact?expireWatches=true"_qs
                                                            : u"/fake/compact"_qs);
    if (answer.status == 200)
        return true;
    if (error)
        *error = u"POST /fake/compact answered "_qs +
                 (answer.status
                      ? QString::number(answer.status) + u": "_qs + QString::fromUtf8(answer.body)
                      : answer.error);
    return false;
}

int KubeApiServer::watchCount(QStringView which) const
{
    const KubeAnswer answer = request("GET", u"/fake/watches"_qs);
    if (answer.status != 200)
        return -1;
    return QJsonDocument::fromJson(answer.body).object().value(which).toInt(-1);
}

int KubeApiServer::openWatches() const
{
    return watchCount(u"open");
}

int KubeApiServer::startedWatches() const
{
    return watchCount(u"started");
}

QProcessEnvironment KubeApiServer::kubectlEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("KUBECONFIG"), kubeconfigPath());
    env.insert(QStringLiteral("HOME"), path(u"home"_qs));
    env.remove(QStringLiteral("KUBECTL_EXTERNAL_DIFF"));
    return env;
}

KubectlResult KubeApiServer::kubectl(const QStringList& arguments, const QByteArray& input,
                                     int timeoutMs) const
{
    KubectlResult result;
    const QString program = QStandardPaths::findExecutable(QStringLiteral("kubectl"));
    if (program.isEmpty()) {
        result.err = QStringLiteral("kubectl is not on PATH");
        return result;
    }
    QProcess process;
    process.setProcessEnvironment(kubectlEnvironment());
    process.start(program, arguments);
    if (!process.waitForStarted(10'000)) {
        result.err = u"cannot start kubectl: "_qs + process.errorString();
        return result;
    }
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs))
        process.kill();
    else if (process.exitStatus() == QProcess::NormalExit)
        result.exitCode = process.exitCode();
    process.waitForFinished(5000);
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    if (result.exitCode == -1)
        result.err += u"\n(kubectl "_qs + arguments.join(u' ') + u" did not end within "_qs +
                      QString::number(timeoutMs) + u" ms)"_qs;
    return result;
}

QString KubeApiServer::output() const
{
    QFile file(path(u"server.log"_qs));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("(no output)");
    const QByteArray text = file.readAll().trimmed();
    return text.isEmpty() ? QStringLiteral("(no output)") : QString::fromUtf8(text.right(4000));
}

} // namespace launchdeck::test
