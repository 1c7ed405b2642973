// The cluster deployment tests' set-up: the fake API server, the ledger, workspaces on it, jobs
// run to their end and what the server and kubectl say.
#include "clusterdeploytesting.h"

#include "store/historystore.h"
#include "workspace/workspace.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>

#include <algorithm>

namespace launchdeck::test {

namespace {

const QString kStaging = QStringLiteral("staging");

QString pairSelector(const QString& application)
{
    return QStringLiteral("app.kubernetes.io/name=%1,launchdeck.dev/environment=%2")
        .arg(application, kStaging);
}

bool isReady(const QJsonObject& pod)
{
    const QJsonArray conditions = pod.value(u"status").toObject().value(u"conditions").toArray();
    return std::any_of(conditions.begin(), conditions.end(), [](const QJsonValue& c) {
        return c[u"type"].toString() == u"Ready" && c[u"status"].toString() == u"True";
    });
}

bool isDeleted(const QJsonObject& pod)
{
    return pod.value(u"metadata").toObject().contains(u"deletionTimestamp");
}

} // namespace

deploy::DeploymentRequest clusterDeploy(const QString& application, const QString& version)
{
    return deployRequest(application, version, kStaging);
}

deploy::DeploymentRequest clusterRollback(const QString& application, const QString& reason,
                                          std::optional<int> toRevision)
{
    deploy::DeploymentRequest request;
    request.kind = DeploymentKind::Rollback;
    request.application = application;
    request.environment = kStaging;
    request.reason = reason;
    request.toRevision = toRevision;
    request.who = QStringLiteral("tester");
    return request;
}

QString clusterImage(const QString& tag)
{
    return QString::fromUtf16(kClusterImage) + u':' + tag;
}

QString stageNames(const DeploymentRecord& record)
{
    QStringList names;
    for (const StageTransition& transition : record.transitions)
        names.append(deploymentStageName(transition.stage));
    return names.join(u' ');
}

bool passedThrough(const DeploymentRecord& record, DeploymentStage stage)
{
    return std::any_of(record.transitions.begin(), record.transitions.end(),
                       [stage](const StageTransition& t) { return t.stage == stage; });
}

QString findingsText(const DeploymentRecord& record)
{
    QStringList lines;
    for (const ValidationResult& finding : record.validations)
        lines.append(QStringLiteral("validation %1 [%2]: %3")
                         .arg(severityName(finding.severity), finding.rule, finding.message));
    for (const TestResult& test : record.tests)
        lines.append(QStringLiteral("test %1: %2 %3")
                         .arg(test.name, test.passed ? u"passed"_qs : u"failed"_qs,
                              QString::fromUtf8(
                                  QJsonDocument(test.metrics).toJson(QJsonDocument::Compact))));
    return lines.join(u'\n');
}

QString containerImage(const QJsonObject& workload)
{
    return workload[u"spec"][u"template"][u"spec"][u"containers"][0][u"image"].toString();
}

int specReplicas(const QJsonObject& workload)
{
    return workload[u"spec"][u"replicas"].toInt(-1);
}

QJsonObject serviceSelector(const QJsonObject& service)
{
    return service[u"spec"][u"selector"].toObject();
}

QString annotation(const QJsonObject& object, const QString& key)
{
    return object[u"metadata"][u"annotations"][key].toString();
}

std::optional<HistoryLine> newestHistoryLine(const QString& kubectlOutput)
{
    static const QRegularExpression line(QStringLiteral("^(\\d+)\\s+(.*)$"));
    std::optional<HistoryLine> newest;
    for (const QString& text : kubectlOutput.split(u'\n')) {
        const QRegularExpressionMatch match = line.match(text.trimmed());
        if (!match.hasMatch())
            continue;
        const int revision = match.captured(1).toInt();
        if (!newest || revision > newest->revision)
            newest = HistoryLine{revision, match.captured(2).trimmed()};
    }
    return newest;
}

QList<QJsonObject> splitJsonStream(const QByteArray& text)
{
    QList<QJsonObject> objects;
    qsizetype at = 0;
    while (at < text.size()) {
        int depth = 0;
        bool inString = false;
        qsizetype end = at;
        for (; end < text.size(); ++end) {
            const char c = text.at(end);
            if (inString) {
                if (c == '\\')
                    ++end;
                else if (c == '"')
                    inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                ++depth;
            } else if (c == '}' && --depth == 0) {
                break;
            }
        }
        if (end >= text.size())
            break;
        const QJsonObject object = QJsonDocument::fromJson(text.mid(at, end + 1 - at)).object();
        if (!object.isEmpty())
            objects.append(object);
        at = end + 1;
    }
    return objects;
}

ClusterDeployBed::ClusterDeployBed() = default;

ClusterDeployBed::~ClusterDeployBed()
{
    m_ledger.reset();
    m_store.reset();
    m_server.stop();
}

bool ClusterDeployBed::start(QString* error)
{
    KubeApiServerOptions options;
    options.readySeconds = 0.2;
    options.logIntervalMs = 1000;
    return start(options, error);
}

bool ClusterDeployBed::start(const KubeApiServerOptions& options, QString* error)
{
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (QStandardPaths::findExecutable(QStringLiteral("kubectl")).isEmpty())
        return fail(QStringLiteral("kubectl is not on PATH; the cluster tests check against it"));
    if (!m_data.isValid() || !m_folders.isValid())
        return fail(QStringLiteral("no temporary folder"));
    m_server.setOptions(options);
    if (!m_server.start(error))
        return false;
    m_store = std::make_unique<HistoryStore>(m_data.path());
    if (const Result<int> opened = m_store->open(); !opened)
        return fail(opened.error().toString());
    m_ledger = std::make_shared<DeploymentLedger>(*m_store);
    return true;
}

std::optional<ClusterWorkspace> ClusterDeployBed::workspace(const ClusterAppOptions& options,
                                                            QString* error)
{
    const auto fail = [error](const QString& message) -> std::optional<ClusterWorkspace> {
        if (error)
            *error = message;
        else
            qWarning("%s", qPrintable(message));
        return std::nullopt;
    };
    const QString nameSpace = options.application;
    if (!get(QStringLiteral("/api/v1/namespaces/") + nameSpace)) {
        const KubectlResult created =
            m_server.kubectl({QStringLiteral("create"), QStringLiteral("namespace"), nameSpace});
        if (created.exitCode != 0)
            return fail(
                QStringLiteral("kubectl create namespace %1: %2").arg(nameSpace, created.err));
    }

    QString yaml;
    yaml += QStringLiteral("version: 1\nname: %1\n").arg(options.application);
    yaml += QStringLiteral("targets:\n  fake-cluster:\n    type: kubernetes\n"
                           "    kubeconfig: %1\n    context: %2\n    namespace: %3\n")
                .arg(m_server.kubeconfigPath(), options.context, nameSpace);
    yaml += QStringLiteral("environments:\n  staging:\n    target: fake-cluster\n"
                           "    validation: %1\n")
                .arg(options.validation);
    if (!options.ingress.isEmpty())
        yaml += QStringLiteral("    ingress: %1\n").arg(options.ingress);
    yaml += QStringLiteral("applications:\n  %1:\n    image: %2\n    version: v1\n"
                           "    ports: [\"80\"]\n"
                           "    health_check: {http: /healthz, port: 80, interval: 1s, "
                           "timeout: 1s, retries: 2}\n"
                           "    replicas: %3\n")
                .arg(options.application, QString::fromUtf16(kClusterImage))
                .arg(options.replicas);
    if (!options.resources.isEmpty())
        yaml += QStringLiteral("    resources: %1\n").arg(options.resources);
    if (!options.secrets.isEmpty())
        yaml += QStringLiteral("    secrets: [%1]\n").arg(options.secrets.join(u", "));
    yaml += QStringLiteral("    strategy:\n      type: %1\n      max_surge: 1\n"
                           "      max_unavailable: 0\n      scale_down_delay: %2\n")
                .arg(options.strategy, options.scaleDownDelay);
    if (!options.canarySteps.isEmpty()) {
        yaml += QStringLiteral("      steps:\n");
        for (const QString& step : options.canarySteps)
            yaml += QStringLiteral("        - %1\n").arg(step);
    }
    if (!options.prePromotionAnalysis.isEmpty())
        yaml +=
            QStringLiteral("      pre_promotion_analysis: %1\n").arg(options.prePromotionAnalysis);
    // Restarts are what a cluster's pods tell without a monitoring server.
    yaml += QStringLiteral("      analysis:\n        restarts:\n          metric: restarts\n"
                           "          interval: 1s\n          count: 2\n"
                           "          success_condition: \"result < 1\"\n"
                           "          failure_condition: \"result >= 1\"\n");
    yaml += QStringLiteral("    rollback:\n      auto: true\n      monitor: %1\n"
                           "      triggers:\n        health_failures: 2\n")
                .arg(options.monitor);
    if (!options.tests.isEmpty()) {
        yaml += QStringLiteral("    tests:\n");
        for (const QString& test : options.tests)
            yaml += QStringLiteral("      - %1\n").arg(test);
    }

    yaml += options.topLevel;

    const QString root = m_folders.filePath(QStringLiteral("workspace-%1").arg(++m_folderCount));
    QDir().mkpath(root);
    for (const auto& [path, text] : options.files) {
        QDir().mkpath(QFileInfo(root + u'/' + path).absolutePath());
        QFile extra(root + u'/' + path);
        if (!extra.open(QIODevice::WriteOnly) || extra.write(text.toUtf8()) < 0)
            return fail(QStringLiteral("cannot write %1 in %2").arg(path, root));
    }
    QFile file(root + QStringLiteral("/launchdeck.yaml"));
    if (!file.open(QIODevice::WriteOnly) || file.write(yaml.toUtf8()) < 0)
        return fail(QStringLiteral("cannot write the workspace in ") + root);
    file.close();
    Diagnostics findings;
    std::optional<Workspace> loaded = loadWorkspace(root, findings);
    QStringList serious;
    for (const Diagnostic& finding : findings) {
        if (finding.severity == Severity::Critical || finding.severity == Severity::High)
            serious.append(finding.message);
    }
    if (!loaded || !serious.isEmpty())
        return fail(QStringLiteral("the workspace did not load: ") + serious.join(u"; ") + u'\n' +
                    yaml);

    ClusterWorkspace made;
    made.context.workspace = *loaded;
    made.context.dataDir = m_data.path();
    made.context.ledger = m_ledger;
    made.context.useKeyring = false;
    made.application = options.application;
    made.nameSpace = nameSpace;
    made.root = root;
    return made;
}

DeployOutcome ClusterDeployBed::run(const deploy::DeploymentContext& context,
                                    const deploy::DeploymentRequest& request,
                                    std::chrono::milliseconds timeout,
                                    const ClusterEventHandler& onEvent)
{
    DeployOutcome outcome;
    QObject receiver;
    deploy::DeploymentJob job(context, request);
    QObject::connect(&job, &deploy::DeploymentJob::reported, &receiver,
                     [&](const deploy::DeploymentEvent& event) {
                         outcome.events.append(event);
                         if (onEvent)
                             onEvent(event, job);
                     });
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
    // Events queued before the thread ended are delivered before the outcome is read.
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

std::optional<QJsonObject> ClusterDeployBed::get(const QString& path) const
{
    const KubeAnswer answer = m_server.request("GET", path);
    if (answer.status == 200)
        return QJsonDocument::fromJson(answer.body).object();
    if (answer.status != 404)
        qWarning("GET %s: %ld %s %s", qPrintable(path), answer.status, answer.body.constData(),
                 qPrintable(answer.error));
    return std::nullopt;
}

std::optional<QJsonObject> ClusterDeployBed::deployment(const QString& nameSpace,
                                                        const QString& name) const
{
    return get(QStringLiteral("/apis/apps/v1/namespaces/%1/deployments/%2").arg(nameSpace, name));
}

std::optional<QJsonObject> ClusterDeployBed::service(const QString& nameSpace,
                                                     const QString& name) const
{
    return get(QStringLiteral("/api/v1/namespaces/%1/services/%2").arg(nameSpace, name));
}

QList<QJsonObject> ClusterDeployBed::pods(const QString& nameSpace, const QString& selector) const
{
    const std::optional<QJsonObject> list =
        get(QStringLiteral("/api/v1/namespaces/%1/pods?labelSelector=%2")
                .arg(nameSpace, QString::fromLatin1(QUrl::toPercentEncoding(selector))));
    QList<QJsonObject> found;
    if (list) {
        for (const QJsonValue& item : list->value(u"items").toArray())
            found.append(item.toObject());
    }
    return found;
}

QStringList ClusterDeployBed::podImages(const QString& nameSpace, const QString& application) const
{
    QStringList images;
    for (const QJsonObject& pod : pods(nameSpace, pairSelector(application))) {
        if (isDeleted(pod))
            continue;
        const QString image = pod[u"spec"][u"containers"][0][u"image"].toString();
        if (!images.contains(image))
            images.append(image);
    }
    images.sort();
    return images;
}

bool ClusterDeployBed::waitForPairPods(const QString& nameSpace, const QString& application,
                                       const QString& image, int count,
                                       std::chrono::milliseconds timeout) const
{
    QElapsedTimer waited;
    waited.start();
    QString last;
    while (waited.elapsed() < timeout.count()) {
        int ready = 0;
        bool others = false;
        QStringList seen;
        for (const QJsonObject& pod : pods(nameSpace, pairSelector(application))) {
            if (isDeleted(pod))
                continue;
            const QString podImage = pod[u"spec"][u"containers"][0][u"image"].toString();
            seen.append(pod[u"metadata"][u"name"].toString() + u' ' + podImage +
                        (isReady(pod) ? u" ready"_qs : u" not ready"_qs));
            if (podImage != image)
                others = true;
            else if (isReady(pod))
                ++ready;
        }
        if (!others && ready == count)
            return true;
        last = seen.join(u"; ");
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(100);
    }
    qWarning("pods of %s in %s, waiting for %d ready of %s only: %s", qPrintable(application),
             qPrintable(nameSpace), count, qPrintable(image), qPrintable(last));
    return false;
}

KubectlResult ClusterDeployBed::kubectl(const QString& nameSpace, const QStringList& arguments,
                                        const QByteArray& input) const
{
    const KubectlResult result =
        m_server.kubectl(arguments + QStringList{QStringLiteral("-n"), nameSpace}, input);
    if (result.exitCode != 0)
        qWarning("kubectl %s -n %s: exit %d: %s", qPrintable(arguments.join(u' ')),
                 qPrintable(nameSpace), result.exitCode, qPrintable(result.err));
    return result;
}

} // namespace launchdeck::test
