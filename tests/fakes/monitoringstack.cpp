// Prometheus and Alertmanager under QProcess with configurations written into a temporary
// folder, and the tests' exporter as a static metrics file served by busybox httpd.
#include "fakes/monitoringstack.h"

#include "fakes/httpget.h"
#include "fakes/localhttpserver.h"
#include "fakes/testfiles.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QStandardPaths>
#include <QThread>

#include <curl/curl.h>
#include <signal.h>
#include <sys/prctl.h>

#include <cmath>

namespace launchdeck::test {

namespace {

constexpr int kLaunchAttempts = 5;
// Prometheus replays its write-ahead log before it is ready; on a loaded machine that and the
// start itself take seconds.
constexpr int kReadyTimeoutMs = 60'000;
constexpr int kTailLines = 20;

QString findServer(const QString& name)
{
    QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(name, {QStringLiteral("/usr/bin")});
    return path;
}

// What a server wrote to its log after `from`: the lines it logged as errors when there are any
// (Prometheus logs its reason among many lines about stopping), else the last lines.
QString tailOf(const QString& path, qint64 from, int lineCount)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("(no output)");
    file.seek(std::min(from, file.size()));
    const QByteArray text = file.readAll().trimmed();
    if (text.isEmpty())
        return QStringLiteral("(no output)");
    QList<QByteArray> lines = text.split('\n');
    QList<QByteArray> errors;
    for (const QByteArray& line : lines) {
        if (line.contains("level=error"))
            errors.append(line);
    }
    if (!errors.isEmpty())
        lines = errors;
    QStringList tail;
    for (qsizetype i = std::max<qsizetype>(0, lines.size() - lineCount); i < lines.size(); ++i)
        tail.append(QString::fromUtf8(lines.at(i)));
    return tail.join(u'\n');
}

qint64 sizeOf(const QString& path)
{
    return QFile(path).size(); // 0 for a file not there yet
}

// A YAML flow sequence of single-quoted strings.
QByteArray yamlList(const QStringList& items)
{
    QByteArray list = "[";
    for (const QString& item : items) {
        if (list.size() > 1)
            list += ", ";
        list += '\'' + item.toUtf8().replace('\'', "''") + '\'';
    }
    return list + ']';
}

QByteArray quoted(const QString& text)
{
    return yamlList({text}).mid(1).chopped(1);
}

size_t collect(char* data, size_t size, size_t count, void* target)
{
    static_cast<QByteArray*>(target)->append(data, qsizetype(size * count));
    return size * count;
}

// An empty POST, as /-/reload takes it; the status (0 without an answer) and the body or why.
long post(const QString& url, QByteArray* body)
{
    static const CURLcode initialised = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)initialised;
    CURL* curl = curl_easy_init();
    if (!curl)
        return 0;
    const QByteArray address = url.toUtf8();
    char reason[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, address.constData());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 0L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, reason);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30'000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    long status = 0;
    if (curl_easy_perform(curl) == CURLE_OK)
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    else
        *body = reason;
    curl_easy_cleanup(curl);
    return status;
}

struct ServerLaunch
{
    QString name; // "Prometheus", "Alertmanager"
    QString program;
    QStringList arguments;
    QString logPath;
    QString readyUrl;
};

enum class Launched { Ready, PortTaken, Failed };

void killProcess(std::unique_ptr<QProcess>& process)
{
    if (!process)
        return;
    const qint64 pid = process->processId();
    if (pid > 0)
        ::kill(pid_t(pid), SIGKILL);
    process->waitForFinished(10'000);
    process.reset();
}

// Starts the server and waits until it answers /-/ready; a server that exits because its port
// was taken in the meantime is told apart so that the caller can try another port.
Launched launchServer(std::unique_ptr<QProcess>& process, const ServerLaunch& launch,
                      QString* error)
{
    const qint64 logStart = sizeOf(launch.logPath);
    const auto failure = [&](const QString& why) -> QString {
        return launch.name + u' ' + why + u"; its output:\n" +
               tailOf(launch.logPath, logStart, kTailLines);
    };
    process = std::make_unique<QProcess>();
    process->setProgram(launch.program);
    process->setArguments(launch.arguments);
    // Appended, so that a restart keeps what the server said before it was killed; a file and
    // not a pipe, so that a long test never holds the output in memory.
    process->setStandardOutputFile(launch.logPath, QIODevice::Append);
    process->setStandardErrorFile(launch.logPath, QIODevice::Append);
    // A test that crashes or is killed by its timeout must not leave a server behind.
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    process->start();
    if (!process->waitForStarted(10'000)) {
        *error = u"cannot start " + launch.program + u": " + process->errorString();
        process.reset();
        return Launched::Failed;
    }
    const QDeadlineTimer deadline(kReadyTimeoutMs);
    HttpAnswer answer;
    while (!deadline.hasExpired()) {
        answer = httpGet(launch.readyUrl, std::chrono::seconds(2));
        if (answer.status == 200)
            return Launched::Ready;
        // Waiting on the process, not sleeping, is what notices that it exited.
        if (process->state() == QProcess::NotRunning || process->waitForFinished(100)) {
            *error = failure(
                QStringLiteral("exited with code %1 before it was ready").arg(process->exitCode()));
            const bool portTaken =
                tailOf(launch.logPath, logStart, kTailLines).contains(u"address already in use");
            process.reset();
            return portTaken ? Launched::PortTaken : Launched::Failed;
        }
    }
    *error = failure(u"did not answer " + launch.readyUrl + u" with 200 within " +
                     QString::number(kReadyTimeoutMs) + u" ms (last: " +
                     (answer.status ? QString::number(answer.status) : answer.error) + u")");
    killProcess(process);
    return Launched::Failed;
}

} // namespace

// The metrics file is replaced whole on every change, so a scrape never reads half of it.
class MetricsExporter final
{
public:
    bool start(QString* error)
    {
        if (!m_server.start(error))
            return false;
        if (publish())
            return true;
        if (error)
            *error = u"cannot write the exporter's metrics file under " + m_server.rootPath();
        return false;
    }
    void stop() { m_server.stop(); }
    QString target() const { return u"127.0.0.1:" + QString::number(m_server.port()); }

    void setGauge(const QString& name, double value)
    {
        m_values.insert(name, value);
        if (!publish())
            qWarning("cannot rewrite the exporter's metrics file under %s",
                     qPrintable(m_server.rootPath()));
    }

private:
    static QByteArray format(double value)
    {
        if (std::isnan(value))
            return "NaN";
        if (std::isinf(value))
            return value > 0 ? "+Inf" : "-Inf";
        return QByteArray::number(value, 'g', 17);
    }

    bool publish()
    {
        QByteArray text = "# HELP launchdeck_test_value A value the test sets.\n"
                          "# TYPE launchdeck_test_value gauge\n";
        for (auto it = m_values.cbegin(); it != m_values.cend(); ++it) {
            const QByteArray label =
                it.key().toUtf8().replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
            text += "launchdeck_test_value{name=\"" + label + "\"} " + format(it.value()) + '\n';
        }
        return m_server.writeFile(QStringLiteral("metrics"), text);
    }

    LocalHttpServer m_server;
    QMap<QString, double> m_values;
};

MonitoringStack::MonitoringStack(MonitoringStackOptions options)
    : m_options(std::move(options))
{}

MonitoringStack::~MonitoringStack()
{
    stop();
}

bool MonitoringStack::start(QString* error)
{
    QString failure;
    const auto fail = [&](const QString& why) {
        stop();
        if (error)
            *error = why;
        return false;
    };
    if (m_exporter) // started before: only a killed Prometheus is missing
        return isPrometheusRunning() || restartPrometheus(error);
    if (!m_dir.isValid())
        return fail(u"cannot create a temporary folder: " + m_dir.errorString());
    m_exporter = std::make_unique<MetricsExporter>();
    if (!m_exporter->start(&failure))
        return fail(u"the tests' metrics exporter did not start: " + failure);
    if (m_options.alertmanager && !startAlertmanager(&failure))
        return fail(failure);
    if (!startPrometheus(&failure))
        return fail(failure);
    return true;
}

void MonitoringStack::stop()
{
    killProcess(m_prometheus);
    killProcess(m_alertmanager);
    if (m_exporter)
        m_exporter->stop();
    m_exporter.reset();
    m_prometheusPort = 0;
    m_alertmanagerPort = 0;
}

bool MonitoringStack::startAlertmanager(QString* error)
{
    const QString program = findServer(QStringLiteral("prometheus-alertmanager"));
    if (program.isEmpty()) {
        *error = QStringLiteral("prometheus-alertmanager not found: install Debian's "
                                "prometheus-alertmanager package");
        return false;
    }
    const QByteArray route =
        !m_options.alertmanagerRoute.isEmpty() ? m_options.alertmanagerRoute : QByteArray(R"(route:
  receiver: default
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1m
receivers:
  - name: default
)");
    const QString config = m_dir.filePath(QStringLiteral("alertmanager.yml"));
    if (!writeText(config, route, error))
        return false;
    for (int attempt = 0; attempt < kLaunchAttempts; ++attempt) {
        const quint16 port = pickFreeLoopbackPort();
        const ServerLaunch launch{
            QStringLiteral("Alertmanager"),
            program,
            {u"--config.file=" + config,
             u"--storage.path=" + m_dir.filePath(QStringLiteral("alertmanager")),
             u"--web.listen-address=127.0.0.1:" + QString::number(port),
             // Empty: no gossip, so no second port and no peers from other tests.
             QStringLiteral("--cluster.listen-address=")},
            m_dir.filePath(QStringLiteral("alertmanager.log")),
            u"http://127.0.0.1:" + QString::number(port) + u"/-/ready"};
        const Launched launched = launchServer(m_alertmanager, launch, error);
        if (launched == Launched::Ready) {
            m_alertmanagerPort = port;
            return true;
        }
        if (launched == Launched::Failed)
            return false;
    }
    return false;
}

bool MonitoringStack::writeConfig(QString* error)
{
    const QString rules = m_dir.filePath(QStringLiteral("rules.yml"));
    if (!writeText(rules, m_options.rules.isEmpty() ? QByteArray("groups: []\n") : m_options.rules,
                   error))
        return false;
    // The scrape timeout may not exceed the interval, and Prometheus's default (10 s) would.
    QByteArray config = "global:\n"
                        "  scrape_interval: 1s\n"
                        "  scrape_timeout: 1s\n"
                        "  evaluation_interval: 1s\n"
                        "rule_files: [" +
                        quoted(rules) + "]\n";
    if (m_alertmanagerPort != 0)
        config += "alerting:\n"
                  "  alertmanagers:\n"
                  "    - static_configs:\n"
                  "        - targets: ['127.0.0.1:" +
                  QByteArray::number(m_alertmanagerPort) + "']\n";
    config += "scrape_configs:\n"
              "  - job_name: exporter\n"
              "    static_configs:\n"
              "      - targets: " +
              yamlList({m_exporter->target()}) +
              "\n"
              "  - job_name: targets\n"
              "    static_configs:\n"
              "      - targets: " +
              yamlList(m_options.targets) + '\n';
    return writeText(m_dir.filePath(QStringLiteral("prometheus.yml")), config, error);
}

bool MonitoringStack::startPrometheus(QString* error)
{
    const QString program = findServer(QStringLiteral("prometheus"));
    if (program.isEmpty()) {
        *error = QStringLiteral("prometheus not found: install Debian's prometheus package");
        return false;
    }
    if (!writeConfig(error))
        return false;
    // A restart keeps its port; a first start tries other ports when one was taken meanwhile.
    const bool restart = m_prometheusPort != 0;
    for (int attempt = 0; attempt < (restart ? 1 : kLaunchAttempts); ++attempt) {
        const quint16 port = restart ? m_prometheusPort : pickFreeLoopbackPort();
        const ServerLaunch launch{
            QStringLiteral("Prometheus"),
            program,
            {u"--config.file=" + m_dir.filePath(QStringLiteral("prometheus.yml")),
             u"--storage.tsdb.path=" + m_dir.filePath(QStringLiteral("prometheus")),
             u"--web.listen-address=127.0.0.1:" + QString::number(port),
             // Alerts link to their rule through it: the host's name may not resolve here.
             u"--web.external-url=http://127.0.0.1:" + QString::number(port) + u'/',
             QStringLiteral("--web.enable-lifecycle")},
            m_dir.filePath(QStringLiteral("prometheus.log")),
            u"http://127.0.0.1:" + QString::number(port) + u"/-/ready"};
        const Launched launched = launchServer(m_prometheus, launch, error);
        if (launched == Launched::Ready) {
            m_prometheusPort = port;
            return true;
        }
        if (launched == Launched::Failed)
            return false;
    }
    return false;
}

QString MonitoringStack::prometheusUrl() const
{
    return u"http://127.0.0.1:" + QString::number(m_prometheusPort);
}

QString MonitoringStack::alertmanagerUrl() const
{
    return m_alertmanagerPort ? u"http://127.0.0.1:" + QString::number(m_alertmanagerPort)
                              : QString();
}

QString MonitoringStack::exporterTarget() const
{
    return m_exporter ? m_exporter->target() : QString();
}

bool MonitoringStack::isPrometheusRunning() const
{
    return m_prometheus && m_prometheus->state() == QProcess::Running;
}

void MonitoringStack::killPrometheus()
{
    killProcess(m_prometheus);
}

bool MonitoringStack::restartPrometheus(QString* error)
{
    QString failure;
    if (m_prometheusPort == 0) {
        failure = QStringLiteral("Prometheus was never started: call start() first");
    } else {
        killProcess(m_prometheus);
        if (startPrometheus(&failure))
            return true;
    }
    if (error)
        *error = failure;
    return false;
}

bool MonitoringStack::reload(QString* error)
{
    if (!isPrometheusRunning())
        return true; // the files are read when it starts again
    const QString log = m_dir.filePath(QStringLiteral("prometheus.log"));
    const qint64 logStart = sizeOf(log);
    QByteArray body;
    const long status = post(prometheusUrl() + u"/-/reload", &body);
    if (status == 200)
        return true;
    // The answer says only that something failed; the reason is in the log.
    if (error)
        *error = u"Prometheus at " + prometheusUrl() + u" refused to reload (" +
                 (status ? u"HTTP " + QString::number(status) : QStringLiteral("no answer")) +
                 u"): " + QString::fromUtf8(body.trimmed()) + u"\n" +
                 tailOf(log, logStart, kTailLines);
    return false;
}

bool MonitoringStack::setTargets(const QStringList& targets, QString* error)
{
    m_options.targets = targets;
    if (!m_exporter) {
        if (error)
            *error = QStringLiteral("the monitoring stack is not started");
        return false;
    }
    return writeConfig(error) && reload(error);
}

bool MonitoringStack::setRules(const QByteArray& rules, QString* error)
{
    m_options.rules = rules;
    if (!m_exporter) {
        if (error)
            *error = QStringLiteral("the monitoring stack is not started");
        return false;
    }
    return writeConfig(error) && reload(error);
}

void MonitoringStack::setGauge(const QString& name, double value)
{
    if (m_exporter)
        m_exporter->setGauge(name, value);
}

bool MonitoringStack::waitForTargetsUp(int timeoutMs, QString* error)
{
    const qsizetype expected = 1 + m_options.targets.size();
    const QDeadlineTimer deadline(timeoutMs);
    QString state = QStringLiteral("no answer yet");
    do {
        const HttpAnswer answer =
            httpGet(prometheusUrl() + u"/api/v1/targets?state=active", std::chrono::seconds(2));
        if (answer.status != 200) {
            state = answer.status
                        ? u"HTTP " + QString::number(answer.status) + u": " + answer.text()
                        : answer.error;
        } else {
            const QJsonArray targets = QJsonDocument::fromJson(answer.body)
                                           .object()
                                           .value(u"data")
                                           .toObject()
                                           .value(u"activeTargets")
                                           .toArray();
            QStringList notUp;
            for (const QJsonValue& value : targets) {
                const QJsonObject target = value.toObject();
                if (target.value(u"health").toString() != u"up")
                    notUp.append(target.value(u"scrapeUrl").toString() + u" is " +
                                 target.value(u"health").toString() + u' ' +
                                 target.value(u"lastError").toString());
            }
            if (notUp.isEmpty() && targets.size() == expected)
                return true;
            state = QStringLiteral("%1 of %2 targets known").arg(targets.size()).arg(expected);
            if (!notUp.isEmpty())
                state += u"; " + notUp.join(u"; ");
        }
        QThread::msleep(200);
    } while (!deadline.hasExpired());
    if (error)
        *error = u"Prometheus at " + prometheusUrl() + u" did not see every target up within " +
                 QString::number(timeoutMs) + u" ms: " + state;
    return false;
}

QString MonitoringStack::prometheusLogTail() const
{
    return tailOf(m_dir.filePath(QStringLiteral("prometheus.log")), 0, kTailLines);
}

QString MonitoringStack::alertmanagerLogTail() const
{
    return tailOf(m_dir.filePath(QStringLiteral("alertmanager.log")), 0, kTailLines);
}

} // namespace launchdeck::test
