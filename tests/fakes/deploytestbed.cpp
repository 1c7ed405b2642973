// The deployment tests' set-up: images on a private dockerd, workspaces, ledger, jobs, load.
#include "fakes/deploytestbed.h"

#include "docker/dockerbuild.h"
#include "fakes/httpget.h"
#include "fakes/localhttpserver.h"
#include "store/historystore.h"
#include "traffic/haproxyprocess.h"
#include "workspace/workspace.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QThread>

namespace launchdeck::test {

namespace {

using namespace std::chrono_literals;

bool writeFile(const QString& path, const QByteArray& content, bool executable = false)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        return false;
    file.close();
    if (executable)
        file.setPermissions(file.permissions() | QFile::ExeOwner | QFile::ExeGroup |
                            QFile::ExeOther);
    return true;
}

// busybox httpd runs /cgi-bin/index.cgi for a directory without index.html; its Status header
// becomes the answer's status.
const QByteArray kFailingIndex = "#!/bin/sh\n"
                                 "echo 'Status: 500 Internal Server Error'\n"
                                 "echo 'Content-Type: text/plain'\n"
                                 "echo\n"
                                 "echo broken\n";

const QByteArray kHealthyCgi = "#!/bin/sh\n"
                               "echo 'Content-Type: text/plain'\n"
                               "echo\n"
                               "echo ok\n";

QByteArray turningHealthCgi()
{
    return "#!/bin/sh\n"
           "started=$(cat /started)\n"
           "now=$(busybox date +%s)\n"
           "if [ $((now - started)) -ge " +
           QByteArray::number(kV4HealthySeconds) +
           " ]; then\n"
           "  echo 'Status: 500 Internal Server Error'\n"
           "  echo 'Content-Type: text/plain'\n"
           "  echo\n"
           "  echo failing\n"
           "else\n"
           "  echo 'Content-Type: text/plain'\n"
           "  echo\n"
           "  echo ok\n"
           "fi\n";
}

// httpd as process 1 would ignore SIGTERM and every stop would wait for SIGKILL; the shell
// ends at once.
QByteArray dockerfile(const QByteArray& before = {})
{
    return "FROM busybox:local\n"
           "COPY www /www\n"
           "CMD [\"sh\", \"-c\", \"" +
           before + "trap 'exit 0' TERM; httpd -f -p 80 -h /www & wait\"]\n";
}

} // namespace

QString DeployOutcome::transcript() const
{
    QStringList lines;
    const QDateTime begin = events.isEmpty() ? QDateTime() : events.first().at;
    for (const deploy::DeploymentEvent& event : events) {
        const QString at = QStringLiteral("%1 s ").arg(begin.msecsTo(event.at) / 1000.0, 6, 'f', 1);
        if (event.kind == deploy::DeploymentEvent::Kind::Stage)
            lines.append(at + u"[" + deploymentStageName(event.stage) + u"] " + event.text);
        else if (!event.text.isEmpty())
            lines.append(at + u"  " + event.text);
    }
    return lines.join(u'\n');
}

QString DeployOutcome::describe() const
{
    return QStringLiteral("finished %1, status %2, message: %3\n%4")
        .arg(finished)
        .arg(status ? deploymentStatusName(*status) : QStringLiteral("none"), message,
             transcript());
}

deploy::DeploymentRequest deployRequest(const QString& application, const QString& version,
                                        const QString& environment)
{
    deploy::DeploymentRequest request;
    request.kind = DeploymentKind::Deploy;
    request.application = application;
    request.environment = environment;
    request.version = version;
    request.who = QStringLiteral("tester");
    return request;
}

bool waitForBody(const QString& url, const QString& body, std::chrono::milliseconds timeout)
{
    QElapsedTimer waited;
    waited.start();
    while (true) {
        const HttpAnswer answer = httpGet(url);
        if (answer.status == 200 && answer.text() == body)
            return true;
        if (waited.elapsed() >= timeout.count())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(50);
    }
}

DeployTestBed::DeployTestBed() = default;

DeployTestBed::~DeployTestBed()
{
    stopTraffic();
    m_ledger.reset();
    m_store.reset();
}

bool DeployTestBed::start(QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (!m_data.isValid() || !m_folders.isValid())
        return fail(QStringLiteral("no temporary folder"));
    if (!m_docker.start(error))
        return false;
    const QMap<QString, QByteArray> common{
        {QStringLiteral("Dockerfile"), dockerfile()},
        {QStringLiteral("www/healthz"), "ok\n"},
        {QStringLiteral("www/cgi-bin/healthz"), kHealthyCgi},
    };
    QMap<QString, QByteArray> v1 = common;
    v1.insert(QStringLiteral("www/index.html"), "v1\n");
    QMap<QString, QByteArray> v2 = common;
    v2.insert(QStringLiteral("www/index.html"), "v2\n");
    QMap<QString, QByteArray> v3 = common;
    v3.insert(QStringLiteral("www/cgi-bin/index.cgi"), kFailingIndex);
    QMap<QString, QByteArray> v4 = common;
    v4.insert(QStringLiteral("www/index.html"), "v4\n");
    v4.insert(QStringLiteral("www/cgi-bin/healthz"), turningHealthCgi());
    v4.insert(QStringLiteral("Dockerfile"), dockerfile("busybox date +%s > /started; "));
    if (!buildImage(QStringLiteral("app:v1"), v1, error) ||
        !buildImage(QStringLiteral("app:v2"), v2, error) ||
        !buildImage(QStringLiteral("app:v3"), v3, error) ||
        !buildImage(QStringLiteral("app:v4"), v4, error))
        return false;

    m_store = std::make_unique<HistoryStore>(m_data.path());
    if (const Result<int> opened = m_store->open(); !opened)
        return fail(opened.error().toString());
    m_ledger = std::make_shared<DeploymentLedger>(*m_store);
    return true;
}

bool DeployTestBed::buildImage(const QString& tag, const QMap<QString, QByteArray>& files,
                               QString* error)
{
    const QString root = m_folders.filePath(QStringLiteral("build-%1").arg(++m_folderCount));
    for (auto it = files.begin(); it != files.end(); ++it) {
        if (!writeFile(root + u'/' + it.key(), it.value(), it.key().contains(u"cgi-bin"))) {
            if (error)
                *error = QStringLiteral("cannot write the build context of ") + tag;
            return false;
        }
    }
    DockerImageBuilder builder(m_docker.client().endpoint(), m_docker.client().apiVersion());
    std::mutex mutex;
    bool done = false;
    QString failure;
    QStringList lines;
    QObject::connect(
        &builder, &DockerImageBuilder::progress, &builder,
        [&](const QString& line) {
            std::lock_guard lock(mutex);
            lines.append(line);
        },
        Qt::DirectConnection);
    QObject::connect(
        &builder, &DockerImageBuilder::finished, &builder,
        [&](const QString&, const QString& why) {
            std::lock_guard lock(mutex);
            failure = why;
            done = true;
        },
        Qt::DirectConnection);
    DockerBuildRequest request;
    request.contextDir = root;
    request.tags = {tag};
    request.networkMode = QStringLiteral("none");
    if (!builder.start(request)) {
        if (error)
            *error = QStringLiteral("the build of %1 did not start").arg(tag);
        return false;
    }
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 120000) {
        {
            std::lock_guard lock(mutex);
            if (done)
                break;
        }
        QThread::msleep(50);
    }
    std::lock_guard lock(mutex);
    if (!done || !failure.isEmpty()) {
        if (error)
            *error = QStringLiteral("building %1: %2\n%3")
                         .arg(tag, done ? failure : QStringLiteral("no answer in 120 s"),
                              lines.join(u'\n'));
        return false;
    }
    return true;
}

std::optional<DeployWorkspace> DeployTestBed::monitoredWorkspace(const QString& application)
{
    DeployAppOptions options;
    options.application = application;
    options.workspace = application;
    options.replicas = 2;
    options.monitor = QStringLiteral("600s");
    QString error;
    std::optional<DeployWorkspace> made = workspace(options, &error);
    if (!made)
        qWarning("%s", qPrintable(error));
    return made;
}

std::optional<DeployWorkspace> DeployTestBed::workspace(const DeployAppOptions& options,
                                                        QString* error)
{
    DeployWorkspace made;
    made.listenPort = options.traffic ? pickFreeLoopbackPort() : 0;
    if (options.traffic && options.trafficMetrics) {
        // The two ports must differ: the entry point's is free only until HAProxy binds it.
        do
            made.metricsPort = pickFreeLoopbackPort();
        while (made.metricsPort == made.listenPort);
        made.metricsListen = QStringLiteral("127.0.0.1:%1").arg(made.metricsPort);
    }
    const QString root = m_folders.filePath(QStringLiteral("workspace-%1").arg(++m_folderCount));

    QString yaml;
    yaml += QStringLiteral("version: 1\nname: %1\n").arg(options.workspace);
    yaml += QStringLiteral("targets:\n  test-docker:\n    type: docker\n    host: %1\n")
                .arg(m_docker.daemon().host());
    yaml += QStringLiteral("environments:\n  staging:\n    target: test-docker\n"
                           "    validation: basic\n");
    if (options.traffic)
        yaml += QStringLiteral("    traffic:\n      listen: 127.0.0.1:%1\n").arg(made.listenPort);
    if (!made.metricsListen.isEmpty())
        yaml += QStringLiteral("      metrics: %1\n").arg(made.metricsListen);
    if (!options.prometheus.isEmpty())
        yaml += QStringLiteral("    prometheus: %1\n").arg(options.prometheus);
    if (!options.alertmanager.isEmpty())
        yaml += QStringLiteral("    alertmanager: %1\n").arg(options.alertmanager);
    yaml += QStringLiteral("  production:\n    target: test-docker\n    validation: basic\n"
                           "    protected: true\n");
    yaml += QStringLiteral("applications:\n  %1:\n    image: %2\n    version: v1\n")
                .arg(options.application, options.image);
    yaml += options.hostPort > 0 ? QStringLiteral("    ports: [\"%1:80\"]\n").arg(options.hostPort)
                                 : QStringLiteral("    ports: [\"80\"]\n");
    yaml += QStringLiteral("    health_check: {http: %1, port: 80, interval: 1s, timeout: 1s, "
                           "retries: 2}\n")
                .arg(options.healthPath);
    yaml += QStringLiteral("    replicas: %1\n").arg(options.replicas);
    yaml += QStringLiteral("    strategy:\n      type: %1\n      scale_down_delay: %2\n")
                .arg(options.strategy, options.scaleDownDelay);
    if (options.strategy == u"canary") {
        yaml += QStringLiteral("      steps:\n");
        for (const QString& step : options.canarySteps)
            yaml += QStringLiteral("        - %1\n").arg(step);
    }
    if (!options.prePromotionAnalysis.isEmpty())
        yaml +=
            QStringLiteral("      pre_promotion_analysis: %1\n").arg(options.prePromotionAnalysis);
    if (!options.postPromotionAnalysis.isEmpty())
        yaml += QStringLiteral("      post_promotion_analysis: %1\n")
                    .arg(options.postPromotionAnalysis);
    yaml += QStringLiteral("      analysis:\n");
    if (!options.analysisYaml.isEmpty())
        yaml += options.analysisYaml;
    else
        yaml += QStringLiteral("        error-rate:\n          metric: error_rate\n"
                               "          interval: 1s\n          count: 3\n"
                               "          failure_limit: 0\n"
                               "          success_condition: \"result < 0.05\"\n"
                               "          failure_condition: \"result >= 0.2\"\n");
    yaml += QStringLiteral("    rollback:\n      auto: true\n      monitor: %1\n"
                           "      triggers:\n        health_failures: 2\n")
                .arg(options.monitor);
    yaml += options.triggersYaml;
    if (options.httpCheckTest)
        yaml += QStringLiteral("    tests:\n      - http_check: {path: /healthz, expect_status: "
                               "200, timeout: 2s, retries: 2}\n");
    if (!writeFile(root + QStringLiteral("/launchdeck.yaml"), yaml.toUtf8())) {
        if (error)
            *error = QStringLiteral("cannot write the workspace");
        return std::nullopt;
    }
    Diagnostics findings;
    std::optional<Workspace> loaded = loadWorkspace(root, findings);
    QStringList serious;
    for (const Diagnostic& finding : findings) {
        if (finding.severity == Severity::Critical || finding.severity == Severity::High)
            serious.append(finding.message);
    }
    if (!loaded || !serious.isEmpty()) {
        if (error)
            *error =
                QStringLiteral("the workspace did not load: ") + serious.join(u"; ") + u'\n' + yaml;
        return std::nullopt;
    }
    made.context.workspace = *loaded;
    made.context.dataDir = m_data.path();
    made.context.ledger = m_ledger;
    made.context.useKeyring = false;
    const int entryPort = options.traffic ? made.listenPort : options.hostPort;
    if (entryPort > 0)
        made.entryUrl = QStringLiteral("http://127.0.0.1:%1/").arg(entryPort);
    return made;
}

DeployOutcome DeployTestBed::run(const deploy::DeploymentContext& context,
                                 const deploy::DeploymentRequest& request,
                                 std::chrono::milliseconds timeout,
                                 const std::function<void(const deploy::DeploymentEvent&)>& onEvent)
{
    DeployOutcome outcome;
    QObject receiver;
    deploy::DeploymentJob job(context, request);
    QObject::connect(&job, &deploy::DeploymentJob::reported, &receiver,
                     [&](const deploy::DeploymentEvent& event) {
                         outcome.events.append(event);
                         if (onEvent)
                             onEvent(event);
                     });
    // Finished is read from the job itself: a queued signal may still be on its way when the
    // thread ended, and events queued before it must all be delivered first.
    job.start();
    QElapsedTimer waited;
    waited.start();
    while (job.isRunning() && waited.elapsed() < timeout.count())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    if (job.isRunning()) {
        outcome.id = job.deploymentId();
        return outcome; // the job's destructor cancels and joins
    }
    job.wait();
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    outcome.finished = true;
    outcome.status = job.status();
    outcome.id = job.deploymentId();
    for (const deploy::DeploymentEvent& event : std::as_const(outcome.events)) {
        if (event.kind == deploy::DeploymentEvent::Kind::Finished)
            outcome.message = event.text;
    }
    return outcome;
}

void DeployTestBed::stopTraffic()
{
    const QDir traffic(m_data.filePath(QStringLiteral("traffic")));
    for (const QString& name : traffic.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        Result<traffic::HaproxyProcess> attached =
            traffic::HaproxyProcess::attach(traffic::HaproxyFolder{traffic.filePath(name)});
        if (attached)
            (void)attached.value().stop();
    }
}

void DeployTestBed::clearHost()
{
    stopTraffic();
    DockerClient& client = m_docker.client();
    const Result<QList<DockerContainer>> all = client.containers(
        true, QJsonObject{
                  {QStringLiteral("label"), QJsonArray{QStringLiteral("launchdeck.application")}}});
    if (all) {
        for (const DockerContainer& container : *all)
            (void)client.removeContainer(container.id, true);
    }
}

QList<deploy::PairContainer> DeployTestBed::containers(const QString& application,
                                                       const QString& environment)
{
    deploy::PairWorkload workload(m_docker.client(), application, environment);
    const Result<QList<deploy::PairContainer>> found = workload.containers();
    return found ? *found : QList<deploy::PairContainer>();
}

QList<deploy::PairContainer> DeployTestBed::running(const QString& application,
                                                    const QString& environment)
{
    QList<deploy::PairContainer> list = containers(application, environment);
    list.removeIf([](const deploy::PairContainer& c) { return !c.isRunning(); });
    return list;
}

// ---- LoadLoop ----------------------------------------------------------------------------------

LoadLoop::LoadLoop(QString url, int clients)
    : m_url(std::move(url))
    , m_clients(clients)
{}

LoadLoop::~LoadLoop()
{
    stop();
}

void LoadLoop::start()
{
    if (m_running.exchange(true))
        return;
    for (int i = 0; i < m_clients; ++i)
        m_threads.emplace_back([this] { client(); });
}

void LoadLoop::stop()
{
    m_running = false;
    for (std::thread& thread : m_threads)
        thread.join();
    m_threads.clear();
}

LoadLoop::Counts LoadLoop::counts() const
{
    std::lock_guard lock(m_mutex);
    return m_counts;
}

void LoadLoop::reset()
{
    std::lock_guard lock(m_mutex);
    m_counts = Counts{};
}

bool LoadLoop::waitForAnswers(qint64 count, std::chrono::milliseconds timeout) const
{
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < timeout.count()) {
        {
            std::lock_guard lock(m_mutex);
            if (m_counts.successes + m_counts.failures >= count)
                return true;
        }
        QThread::msleep(20);
    }
    return false;
}

void LoadLoop::client()
{
    while (m_running.load()) {
        const HttpAnswer answer = httpGet(m_url, 5s);
        std::lock_guard lock(m_mutex);
        if (answer.status >= 200 && answer.status < 300) {
            ++m_counts.successes;
            ++m_counts.bodies[answer.text()];
        } else {
            ++m_counts.failures;
            if (m_counts.failureSamples.size() < 10)
                m_counts.failureSamples.append(answer.status != 0
                                                   ? QStringLiteral("HTTP %1").arg(answer.status)
                                                   : answer.error);
        }
    }
}

} // namespace launchdeck::test
