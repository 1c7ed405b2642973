// Benchmark: a rolling deploy on the fake Kubernetes API server. Launchdeck's whole job
// (VALIDATING through COMPLETED, no tests, a monitoring window of 0) beside `kubectl apply` and
// `kubectl rollout status` of the same objects on the same server, each round the next version,
// the two sides taking turns to go first. The series runs once with pods ready at once and once
// with a ready delay, so that the console's overhead (the time not spent waiting for the fake's
// pods) shows both ways. Prints figures; asserts nothing; exits non-zero only when runs failed.
#include "benchruns.h"
#include "deploy/clusterobjects.h"
#include "deploy/deploymentengine.h"
#include "fakes/kubeapiserver.h"
#include "kubernetes/applicationobjects.h"
#include "services/deploy/clusterdeploytesting.h"
#include "workspace/workspace.h"

#include <QByteArrayList>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <optional>

using namespace launchdeck;

namespace {

// Three replicas with max surge 1 and max unavailable 0 (the test workspace's strategy): the
// Deployment replaces its pods in three waves, each waiting for a new pod to become Ready.
constexpr int kReplicas = 3;
constexpr int kWaves = kReplicas;
constexpr int kTimeoutSeconds = 120;

const QString& application()
{
    static const QString name = QStringLiteral("web");
    return name;
}

// kubectl's copy of the objects lives in a namespace of its own: the same names and labels, and
// neither side's controller-owned state or field managers in the other's way.
const QString& kubectlNamespace()
{
    static const QString name = QStringLiteral("web-kubectl");
    return name;
}

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

double msOf(const QElapsedTimer& clock)
{
    return double(clock.nsecsElapsed()) / 1e6;
}

// One side's figures over the rounds after the first (which creates the objects rather than
// rolling them).
struct Side
{
    bench::Runs wall;
    bench::Runs overhead; // wall minus the nominal wait for the pods
};

struct Phase
{
    double readySeconds = 0;
    Side launchdeck;
    Side kubectl;
    bench::Runs rolledOut; // Launchdeck: start to its "successfully rolled out" line
    // Launchdeck's wall time outside its wait for the rollout (from the Deployment's apply to
    // the rolled-out line), and kubectl apply alone: each side's work that is not waiting.
    bench::Runs launchdeckOwn;
    bench::Runs kubectlApply;
    int warmUpFailures = 0;
};

double nominalWaitMs(double readySeconds)
{
    return readySeconds * 1000.0 * kWaves;
}

double p90(const bench::Runs& runs)
{
    QList<double> sorted(runs.values().begin(), runs.values().end());
    std::sort(sorted.begin(), sorted.end());
    return bench::percentile(sorted, 0.9);
}

// ---- Launchdeck ----

struct LaunchdeckRound
{
    double wallMs = 0;
    double rolledOutMs = -1; // when the job logged kubectl's "successfully rolled out"
    double appliedMs = -1;   // when it logged the Deployment's apply before that
    QString stages;          // "VALIDATING 120 · DEPLOYING 1800 · …" in milliseconds
    QString failure;         // empty: COMPLETED with the new image on the Deployment
};

// Runs the job the way the GUI does, waiting in an event loop rather than polling it, so that no
// core spins beside the fake and the job.
LaunchdeckRound runLaunchdeck(const deploy::DeploymentContext& context, const QString& version)
{
    deploy::DeploymentRequest request = test::clusterDeploy(application(), version);
    request.kind = DeploymentKind::Deploy;
    request.strategy = Strategy::Type::Rolling;
    request.autoRollback = true;
    request.who = QStringLiteral("bench");

    LaunchdeckRound round;
    QList<deploy::DeploymentEvent> events;
    std::optional<DeploymentStatus> ended;
    QString message;
    const qint64 beginMs = QDateTime::currentMSecsSinceEpoch();
    QElapsedTimer wall;
    wall.start();
    deploy::DeploymentJob job(context, request);
    QEventLoop loop;
    QObject::connect(&job, &deploy::DeploymentJob::reported, &loop,
                     [&](const deploy::DeploymentEvent& event) { events.append(event); });
    // Queued after every event the job reported, so those have all arrived when it does.
    QObject::connect(&job, &deploy::DeploymentJob::finished, &loop,
                     [&](DeploymentStatus status, const QString& text) {
                         round.wallMs = msOf(wall);
                         ended = status;
                         message = text;
                         loop.quit();
                     });
    QTimer::singleShot((kTimeoutSeconds + 60) * 1000, &loop, &QEventLoop::quit);
    job.start();
    loop.exec();
    if (!ended) {
        round.failure =
            QStringLiteral("launchdeck: the job did not end in %1 s").arg(kTimeoutSeconds + 60);
        return round; // the job's destructor cancels and joins
    }
    job.wait();

    // Time per stage from the stage events, the last one until the job's end.
    QStringList stages;
    const qint64 endMs = beginMs + qint64(round.wallMs);
    for (qsizetype i = 0; i < events.size(); ++i) {
        const deploy::DeploymentEvent& event = events.at(i);
        const double atMs = double(event.at.toMSecsSinceEpoch() - beginMs);
        if (event.kind == deploy::DeploymentEvent::Kind::Log && round.rolledOutMs < 0) {
            if (event.text.startsWith(QStringLiteral("applied Deployment/")))
                round.appliedMs = atMs;
            else if (event.text.contains(QStringLiteral("successfully rolled out")))
                round.rolledOutMs = atMs;
        }
        if (event.kind != deploy::DeploymentEvent::Kind::Stage)
            continue;
        qint64 nextMs = endMs;
        for (qsizetype j = i + 1; j < events.size(); ++j) {
            if (events.at(j).kind == deploy::DeploymentEvent::Kind::Stage) {
                nextMs = events.at(j).at.toMSecsSinceEpoch();
                break;
            }
        }
        stages.append(QStringLiteral("%1 %2")
                          .arg(deploymentStageName(event.stage))
                          .arg(std::max<qint64>(0, nextMs - event.at.toMSecsSinceEpoch())));
    }
    round.stages = stages.join(QStringLiteral(" · "));
    if (*ended != DeploymentStatus::Completed)
        round.failure = QStringLiteral("launchdeck: %1: %2")
                            .arg(deploymentStatusName(*ended), message.left(300));
    return round;
}

// ---- kubectl ----

struct KubectlRound
{
    double applyMs = 0;
    double statusMs = 0;
    QString failure;
    double wallMs() const { return applyMs + statusMs; }
};

struct CliRun
{
    double ms = 0;
    QString failure;
};

CliRun runKubectl(const test::KubeApiServer& server, const QStringList& arguments)
{
    QProcess kubectl;
    kubectl.setProcessEnvironment(server.kubectlEnvironment());
    CliRun run;
    QElapsedTimer clock;
    clock.start();
    kubectl.start(QStringLiteral("kubectl"), arguments);
    const bool finished = kubectl.waitForFinished((kTimeoutSeconds + 30) * 1000);
    run.ms = msOf(clock);
    if (!finished) {
        kubectl.kill();
        kubectl.waitForFinished();
        run.failure = QStringLiteral("kubectl %1 did not end in %2 s")
                          .arg(arguments.value(0))
                          .arg(kTimeoutSeconds + 30);
    } else if (kubectl.exitStatus() != QProcess::NormalExit || kubectl.exitCode() != 0) {
        run.failure = QStringLiteral("kubectl %1 exited %2: %3")
                          .arg(arguments.value(0))
                          .arg(kubectl.exitCode())
                          .arg(QString::fromLocal8Bit(kubectl.readAllStandardError()).trimmed());
    }
    return run;
}

// The objects Launchdeck applies in a rolling deploy of `version` as revision `revision` (the
// stable track's Deployment and the application's Service), moved to kubectl's namespace: the
// items of their v1 List as a stream of JSON documents. kubectl validates a List as a whole
// against the /openapi/v2 schema, which the fake does not serve; item by item it leaves
// validation to the server (fieldValidation=Strict), as Launchdeck's dry run does.
Result<QByteArray> kubectlObjects(const Workspace& workspace, const QString& version, int revision)
{
    const QString image = test::clusterImage(version);
    const Result<kube::ApplicationObjects> objects = kube::applicationObjects(
        workspace, application(), QStringLiteral("staging"), image, revision);
    if (!objects)
        return objects.error();
    const QString stable = QString::fromUtf16(deploy::cluster::kStable);
    QList<QJsonObject> rendered{
        deploy::cluster::trackDeployment(*objects, stable, kReplicas, revision, image)};
    if (const std::optional<QJsonObject> service = deploy::cluster::activeService(*objects, stable))
        rendered.append(*service);
    QByteArrayList documents;
    for (QJsonObject object : rendered) {
        QJsonObject metadata = object.value(QStringLiteral("metadata")).toObject();
        metadata.insert(QStringLiteral("namespace"), kubectlNamespace());
        object.insert(QStringLiteral("metadata"), metadata);
        documents.append(QJsonDocument(object).toJson());
    }
    return documents.join();
}

KubectlRound runKubectlSide(const test::KubeApiServer& server, const QString& file)
{
    KubectlRound round;
    const CliRun apply = runKubectl(server, {QStringLiteral("apply"), QStringLiteral("-f"), file});
    round.applyMs = apply.ms;
    if (!apply.failure.isEmpty()) {
        round.failure = apply.failure;
        return round;
    }
    const CliRun status = runKubectl(
        server, {QStringLiteral("rollout"), QStringLiteral("status"),
                 QStringLiteral("deployment/") + application(), QStringLiteral("-n"),
                 kubectlNamespace(), QStringLiteral("--timeout=%1s").arg(kTimeoutSeconds)});
    round.statusMs = status.ms;
    round.failure = status.failure;
    return round;
}

// ---- one series ----

// Empty when the Deployment `name` in `nameSpace` runs `image`, else what it runs.
QString checkImage(const test::ClusterDeployBed& bed, const QString& nameSpace,
                   const QString& image)
{
    const std::optional<QJsonObject> deployment = bed.deployment(nameSpace, application());
    if (!deployment)
        return QStringLiteral("no Deployment %1 in %2 afterwards").arg(application(), nameSpace);
    const QString running = test::containerImage(*deployment);
    return running == image ? QString()
                            : QStringLiteral("the Deployment in %1 runs %2, not %3")
                                  .arg(nameSpace, running, image);
}

QString figure(double ms)
{
    return QString::number(ms, 'f', 1);
}

// Deploys v1 (creating the objects), then v2 … v<rounds + 1>, on a fresh fake whose pods take
// `readySeconds` to become Ready. False when the set-up failed.
bool runPhase(double readySeconds, int rounds, Phase& phase)
{
    phase.readySeconds = readySeconds;
    out() << QStringLiteral("\n== pods ready after %1 s: %2 replicas, max surge 1, max "
                            "unavailable 0 (%3 waves, nominal pod wait %4 ms)\n")
                 .arg(readySeconds)
                 .arg(kReplicas)
                 .arg(kWaves)
                 .arg(figure(nominalWaitMs(readySeconds)));
    out().flush();

    test::ClusterDeployBed bed;
    test::KubeApiServerOptions options;
    options.readySeconds = readySeconds;
    QString error;
    if (!bed.start(options, &error)) {
        out() << "the fake API server did not start: " << error << "\n";
        return false;
    }
    test::ClusterAppOptions app;
    app.application = application();
    app.strategy = QStringLiteral("rolling");
    app.replicas = kReplicas;
    app.monitor = QStringLiteral("0s");
    const std::optional<test::ClusterWorkspace> workspace = bed.workspace(app, &error);
    if (!workspace) {
        out() << "workspace: " << error << "\n";
        return false;
    }
    const test::KubectlResult created = bed.server().kubectl(
        {QStringLiteral("create"), QStringLiteral("namespace"), kubectlNamespace()});
    if (created.exitCode != 0) {
        out() << "kubectl create namespace " << kubectlNamespace() << ": " << created.err << "\n";
        return false;
    }
    QTemporaryDir files;
    if (!files.isValid()) {
        out() << "no temporary folder for the objects\n";
        return false;
    }

    for (int round = 0; round <= rounds; ++round) {
        const QString version = QStringLiteral("v%1").arg(round + 1);
        const QString image = test::clusterImage(version);
        // kubectl's objects are files before its clock starts, as manifests are.
        const QString file = files.filePath(QStringLiteral("%1.yaml").arg(version));
        const Result<QByteArray> documents =
            kubectlObjects(workspace->context.workspace, version, round + 1);
        if (!documents) {
            out() << "rendering the objects of " << version << ": " << documents.error().toString()
                  << "\n";
            return false;
        }
        QFile written(file);
        if (!written.open(QIODevice::WriteOnly) || written.write(*documents) < 0) {
            out() << "cannot write " << file << "\n";
            return false;
        }
        written.close();

        const bool launchdeckFirst = round % 2 == 0;
        LaunchdeckRound ours;
        KubectlRound theirs;
        for (int turn = 0; turn < 2; ++turn) {
            if ((turn == 0) == launchdeckFirst) {
                ours = runLaunchdeck(workspace->context, version);
                if (ours.failure.isEmpty())
                    ours.failure = checkImage(bed, workspace->nameSpace, image);
            } else {
                theirs = runKubectlSide(bed.server(), file);
                if (theirs.failure.isEmpty())
                    theirs.failure = checkImage(bed, kubectlNamespace(), image);
            }
        }

        const bool counted = round > 0;
        out() << QStringLiteral("  %1 %2 (%3 first): launchdeck %4 ms")
                     .arg(counted ? QStringLiteral("round %1").arg(round)
                                  : QStringLiteral("create "),
                          version,
                          launchdeckFirst ? QStringLiteral("launchdeck")
                                          : QStringLiteral("kubectl"),
                          figure(ours.wallMs));
        if (ours.appliedMs >= 0 && ours.rolledOutMs >= 0)
            out() << QStringLiteral(" (Deployment applied at %1, rolled out at %2)")
                         .arg(figure(ours.appliedMs), figure(ours.rolledOutMs));
        out() << QStringLiteral(" | kubectl %1 ms (apply %2 + rollout status %3)")
                     .arg(figure(theirs.wallMs()), figure(theirs.applyMs), figure(theirs.statusMs));
        if (ours.failure.isEmpty() && theirs.failure.isEmpty())
            out() << QStringLiteral(" | ratio %1")
                         .arg(bench::ratio(ours.wallMs, theirs.wallMs()), 0, 'f', 2);
        out() << "\n";
        if (!ours.stages.isEmpty())
            out() << "      launchdeck stages (ms): " << ours.stages << "\n";
        if (!ours.failure.isEmpty())
            out() << "      FAILED " << ours.failure << "\n";
        if (!theirs.failure.isEmpty())
            out() << "      FAILED " << theirs.failure << "\n";
        out().flush();

        if (!counted) {
            phase.warmUpFailures += int(!ours.failure.isEmpty()) + int(!theirs.failure.isEmpty());
            continue;
        }
        const double waitMs = nominalWaitMs(readySeconds);
        if (ours.failure.isEmpty()) {
            phase.launchdeck.wall.add(ours.wallMs);
            phase.launchdeck.overhead.add(ours.wallMs - waitMs);
            if (ours.appliedMs >= 0 && ours.rolledOutMs >= 0) {
                phase.rolledOut.add(ours.rolledOutMs);
                phase.launchdeckOwn.add(ours.wallMs - (ours.rolledOutMs - ours.appliedMs));
            }
        } else {
            phase.launchdeck.wall.fail(ours.failure);
            phase.launchdeck.overhead.fail(ours.failure);
        }
        if (theirs.failure.isEmpty()) {
            phase.kubectl.wall.add(theirs.wallMs());
            phase.kubectl.overhead.add(theirs.wallMs() - waitMs);
            phase.kubectlApply.add(theirs.applyMs);
        } else {
            phase.kubectl.wall.fail(theirs.failure);
            phase.kubectl.overhead.fail(theirs.failure);
        }
    }
    return true;
}

void printRuns(const QString& label, const bench::Runs& runs)
{
    out() << QStringLiteral("  %1 p50 %2 ms  p90 %3  min %4  max %5  (%6)\n")
                 .arg(label, -30)
                 .arg(figure(runs.median()), 8)
                 .arg(figure(p90(runs)), 8)
                 .arg(figure(runs.min()), 8)
                 .arg(figure(runs.max()), 8)
                 .arg(runs.count());
}

void printPhase(const Phase& phase)
{
    out() << QStringLiteral("\npods ready after %1 s (nominal pod wait %2 ms):\n")
                 .arg(phase.readySeconds)
                 .arg(figure(nominalWaitMs(phase.readySeconds)));
    printRuns(QStringLiteral("launchdeck job"), phase.launchdeck.wall);
    printRuns(QStringLiteral("launchdeck to rolled out"), phase.rolledOut);
    printRuns(QStringLiteral("kubectl apply + rollout status"), phase.kubectl.wall);
    out() << QStringLiteral("  ratio of medians launchdeck ÷ kubectl: %1 (launchdeck − kubectl "
                            "%2 ms)\n")
                 .arg(bench::ratio(phase.launchdeck.wall.median(), phase.kubectl.wall.median()), 0,
                      'f', 2)
                 .arg(figure(phase.launchdeck.wall.median() - phase.kubectl.wall.median()));
    printRuns(QStringLiteral("launchdeck outside the wait"), phase.launchdeckOwn);
    printRuns(QStringLiteral("kubectl apply alone"), phase.kubectlApply);
    if (phase.readySeconds > 0) {
        out() << QStringLiteral("  overhead (wall − nominal pod wait): launchdeck p50 %1 ms, "
                                "kubectl p50 %2 ms, ratio %3\n")
                     .arg(figure(phase.launchdeck.overhead.median()),
                          figure(phase.kubectl.overhead.median()))
                     .arg(bench::ratio(phase.launchdeck.overhead.median(),
                                       phase.kubectl.overhead.median()),
                          0, 'f', 2);
    }
    if (phase.warmUpFailures > 0)
        out() << QStringLiteral("  the first deploy (creating the objects) failed %1 time(s)\n")
                     .arg(phase.warmUpFailures);
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const int rounds = argc > 1 ? std::max(1, QByteArray(argv[1]).toInt()) : 8;
    const double readySeconds = argc > 2 ? QByteArray(argv[2]).toDouble() : 0.5;

    out() << QStringLiteral("rolling deploy of %1 replicas on the fake API server: Launchdeck's "
                            "job beside kubectl apply + kubectl rollout status of the same "
                            "objects, %2 rounds after the first deploy\n")
                 .arg(kReplicas)
                 .arg(rounds);
    Phase immediate;
    Phase delayed;
    if (!runPhase(0, rounds, immediate) || !runPhase(readySeconds, rounds, delayed))
        return 2;

    printPhase(immediate);
    printPhase(delayed);
    const double ourDelay = delayed.launchdeck.wall.median() - immediate.launchdeck.wall.median();
    const double theirDelay = delayed.kubectl.wall.median() - immediate.kubectl.wall.median();
    out() << QStringLiteral("\nthe ready delay's cost, p50 at %1 s − p50 at 0 s: launchdeck "
                            "%2 ms, kubectl %3 ms (nominal %4 ms)\n")
                 .arg(readySeconds)
                 .arg(figure(ourDelay), figure(theirDelay), figure(nominalWaitMs(readySeconds)));
    // With no ready delay the fake's controllers still take their ticks to replace the pods;
    // that time is in both sides' figures alike.
    out() << QStringLiteral("overhead, measured with pods ready at once (the fake's controller "
                            "steps included): launchdeck p50 %1 ms, kubectl p50 %2 ms, ratio %3\n")
                 .arg(figure(immediate.launchdeck.wall.median()),
                      figure(immediate.kubectl.wall.median()))
                 .arg(bench::ratio(immediate.launchdeck.wall.median(),
                                   immediate.kubectl.wall.median()),
                      0, 'f', 2);
    out() << QStringLiteral("overhead, wall − nominal pod wait at %1 s: launchdeck p50 %2 ms, "
                            "kubectl p50 %3 ms, ratio %4\n")
                 .arg(readySeconds)
                 .arg(figure(delayed.launchdeck.overhead.median()),
                      figure(delayed.kubectl.overhead.median()))
                 .arg(bench::ratio(delayed.launchdeck.overhead.median(),
                                   delayed.kubectl.overhead.median()),
                      0, 'f', 2);
    out() << "goal: the console's overhead <= 1x kubectl's\n";
    out().flush();

    const int failed = immediate.launchdeck.wall.failed() + immediate.kubectl.wall.failed() +
                       delayed.launchdeck.wall.failed() + delayed.kubectl.wall.failed() +
                       immediate.warmUpFailures + delayed.warmUpFailures;
    return failed > 0 ? 1 : 0;
}
