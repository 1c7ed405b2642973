// Benchmark: deployments on a private dockerd — the console's overhead in a recreate deploy
// (total minus the wait for the new container's health), split by a timing relay on the Docker
// socket into the daemon's time for the calls any tool must make and the console's own, beside
// the same replacement done with the docker CLI; the blue-green switch through HAProxy's runtime
// API, and `status` over 100 applications beside `docker ps` with the same label filter.
#include "benchruns.h"
#include "deploy/deploymentengine.h"
#include "deploy/trafficrouter.h"
#include "roundsplit.h"

#include "fakes/deploytestbed.h"
#include "fakes/dockerrelay.h"
#include "fakes/localhttpserver.h"
#include "store/historystore.h"
#include "validation/validator.h"
#include "workspace/workspace.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <functional>
#include <limits>
#include <vector>

using namespace launchdeck;
using namespace launchdeck::test;
using namespace launchdeck::bench;

namespace {

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

struct CliRun
{
    double ms = 0;
    QString failure; // empty: it exited 0
    QByteArray output;
};

// `docker` (the CLI, on the same daemon) with `arguments`: how long it took, and why it failed
// when it did not exit 0 in time.
CliRun dockerCli(const QString& host, const QStringList& arguments)
{
    QProcess docker;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("DOCKER_HOST"), host);
    docker.setProcessEnvironment(environment);
    CliRun run;
    QElapsedTimer clock;
    clock.start();
    docker.start(QStringLiteral("docker"), arguments);
    const bool finished = docker.waitForFinished(120'000);
    run.ms = double(clock.nsecsElapsed()) / 1e6;
    if (!finished) {
        docker.kill();
        docker.waitForFinished();
        run.failure = QStringLiteral("docker %1 did not end in 120 s").arg(arguments.value(0));
    } else if (docker.exitStatus() != QProcess::NormalExit || docker.exitCode() != 0) {
        run.failure = QStringLiteral("docker %1 exited %2: %3")
                          .arg(arguments.value(0))
                          .arg(docker.exitCode())
                          .arg(QString::fromLocal8Bit(docker.readAllStandardError()).trimmed());
    }
    run.output = docker.readAllStandardOutput();
    return run;
}

// Events and Docker calls of one round in order, with the time the console spent in its own
// code since the previous mark.
void printTimeline(qint64 beginUs, const QList<deploy::DeploymentEvent>& events,
                   const QList<DockerCall>& calls)
{
    struct Mark
    {
        qint64 atUs;
        qint64 endUs;
        QString text;
    };
    std::vector<Mark> marks;
    for (const deploy::DeploymentEvent& event : events)
        marks.push_back(
            {eventUs(event), eventUs(event), deploymentStageName(event.stage) + u' ' + event.text});
    for (const DockerCall& call : calls)
        marks.push_back({call.startUs, call.endUs,
                         QStringLiteral("docker %1 %2 → %3 (%4 ms)")
                             .arg(call.method, call.path.left(70))
                             .arg(call.status)
                             .arg(ms(call.durationUs()), 0, 'f', 1)});
    std::stable_sort(marks.begin(), marks.end(),
                     [](const Mark& a, const Mark& b) { return a.atUs < b.atUs; });
    qint64 reach = beginUs;
    for (const Mark& mark : marks) {
        // Events carry milliseconds: a gap under one is noise.
        const qint64 gap = mark.atUs - reach;
        out() << QStringLiteral("    +%1 ms  %2%3\n")
                     .arg(ms(mark.atUs - beginUs), 8, 'f', 1)
                     .arg(gap >= 1000 ? QStringLiteral("[own %1 ms] ").arg(ms(gap), 0, 'f', 1)
                                      : QString(),
                          mark.text);
        reach = std::max(reach, mark.endUs);
    }
}

// The in-process costs the timeline cannot split finely: a ledger write and the validation of
// the workspace, each timed alone.
void printInProcessCosts(DeployTestBed& bed, const deploy::DeploymentContext& context)
{
    std::vector<double> writes;
    int failedWrites = 0;
    for (int i = 0; i < 5; ++i) {
        DeploymentStart start;
        start.application = QStringLiteral("bench-ledger");
        start.environment = QStringLiteral("staging");
        start.to = Revision{i + 1, QStringLiteral("busybox:local")};
        QElapsedTimer clock;
        clock.start();
        const Result<QString> begun = bed.ledger()->begin(start);
        const double beginMs = double(clock.nsecsElapsed()) / 1e6;
        if (!begun) {
            ++failedWrites;
            continue;
        }
        writes.push_back(beginMs);
        for (DeploymentStage stage :
             {DeploymentStage::Validating, DeploymentStage::Testing, DeploymentStage::Deploying}) {
            clock.restart();
            const bool recorded = bed.ledger()->recordTransition(*begun, stage);
            const double writeMs = double(clock.nsecsElapsed()) / 1e6;
            recorded ? writes.push_back(writeMs) : void(++failedWrites);
        }
        clock.restart();
        const bool finished = bed.ledger()->finish(*begun, DeploymentStatus::Completed);
        const double finishMs = double(clock.nsecsElapsed()) / 1e6;
        finished ? writes.push_back(finishMs) : void(++failedWrites);
    }
    std::vector<double> validations;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer clock;
        clock.start();
        for (const QString& path : validationTargets(context.workspace.root))
            (void)validateFile(path, ValidationLevel::Basic);
        validations.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    out() << QStringLiteral("  alone: one ledger write p50 %1 ms (max %2 ms; %3 writes, %4 failed "
                            "and left out); the workspace walk and validation p50 %5 ms\n")
                 .arg(percentile(writes, 0.5), 0, 'f', 1)
                 .arg(percentile(writes, 1.0), 0, 'f', 1)
                 .arg(writes.size())
                 .arg(failedWrites)
                 .arg(percentile(validations, 0.5), 0, 'f', 1);
}

// Runs a job to its end the way the GUI does, waiting in an event loop: DeployTestBed::run polls
// the event loop without sleeping, which keeps a core busy beside the daemon and the job.
DeployOutcome runWaiting(const deploy::DeploymentContext& context,
                         const deploy::DeploymentRequest& request)
{
    DeployOutcome outcome;
    deploy::DeploymentJob job(context, request);
    QEventLoop loop;
    QObject::connect(&job, &deploy::DeploymentJob::reported, &loop,
                     [&](const deploy::DeploymentEvent& event) { outcome.events.append(event); });
    // Queued after every event the job reported, so those have all arrived when it does.
    QObject::connect(&job, &deploy::DeploymentJob::finished, &loop,
                     [&](DeploymentStatus, const QString& message) {
                         outcome.message = message;
                         loop.quit();
                     });
    QTimer::singleShot(180'000, &loop, &QEventLoop::quit);
    job.start();
    loop.exec();
    if (job.isRunning())
        return outcome; // the job's destructor cancels and joins
    job.wait();
    outcome.finished = true;
    outcome.status = job.status();
    outcome.id = job.deploymentId();
    return outcome;
}

void recreateOverhead(DeployTestBed& bed)
{
    out() << "\n== recreate deploy: console overhead (total minus health wait)\n";
    QTemporaryDir relayFolder;
    DockerRelay recorder(bed.docker().daemon().socketPath(),
                         relayFolder.filePath(QStringLiteral("docker.sock")));
    if (!recorder.isListening()) {
        out() << "the timing relay did not listen\n";
        return;
    }
    DeployAppOptions options;
    options.workspace = QStringLiteral("benchrecreate");
    options.strategy = QStringLiteral("recreate");
    options.traffic = false;
    options.hostPort = int(pickFreeLoopbackPort());
    options.monitor = QStringLiteral("0s");
    QString error;
    std::optional<DeployWorkspace> workspace = bed.workspace(options, &error);
    if (!workspace) {
        out() << "workspace: " << error << "\n";
        return;
    }
    // The job talks to the daemon through the relay.
    for (Target& target : workspace->context.workspace.targets)
        target.host = recorder.host();
    std::vector<RoundSplit> rounds;
    QStringList failures;
    for (int round = 0; round < 6; ++round) {
        deploy::DeploymentRequest request;
        request.application = QStringLiteral("app");
        request.environment = QStringLiteral("staging");
        request.version = round % 2 == 0 ? QStringLiteral("v1") : QStringLiteral("v2");
        recorder.clear();
        const qint64 beginUs = wallClockUs();
        const DeployOutcome outcome = runWaiting(workspace->context, request);
        const qint64 endUs = wallClockUs();
        if (outcome.status != DeploymentStatus::Completed) {
            out() << "  round " << round << ": deploy failed: " << outcome.describe() << "\n";
            failures.append(outcome.finished ? outcome.message : QStringLiteral("timed out"));
            continue;
        }
        const QList<DockerCall> calls = recorder.calls();
        if (round == 1 && qEnvironmentVariableIsSet("BENCH_DEPLOY_TIMELINE"))
            printTimeline(beginUs, outcome.events, calls);
        const RoundSplit split = splitRound(beginUs, endUs, calls, healthWindows(outcome.events));
        if (round > 0) // the first one also creates the network
            rounds.push_back(split);
        printSplit(out(), QStringLiteral("round %1").arg(round), split);
    }
    out().flush();
    // The reference: the same replacement by hand with the docker CLI and curl, through the
    // same relay, health wait excluded the same way, on the environment's network as the console
    // does. Not the default bridge: the private daemon has none (--bridge=none), so a container
    // there has no network and never answers its health check.
    const QString host = recorder.host();
    // A round counts when both commands exited 0 and the new container answered its health
    // check, the end point of the console's deploy too.
    struct CliRounds
    {
        std::vector<RoundSplit> rounds;
        QStringList failures;
    };
    const auto cliReplacements = [&](const QStringList& networkArguments) {
        const int port = int(pickFreeLoopbackPort());
        CliRounds cli;
        for (int round = 0; round < 6; ++round) {
            const QString name = QStringLiteral("bench-cli-%1").arg(round);
            const QString previous = QStringLiteral("bench-cli-%1").arg(round - 1);
            recorder.clear();
            const qint64 beginUs = wallClockUs();
            const CliRun removed =
                round > 0 ? dockerCli(host, {QStringLiteral("rm"), QStringLiteral("-f"), previous})
                          : CliRun{};
            const CliRun started =
                dockerCli(host, QStringList{QStringLiteral("run"), QStringLiteral("-d"),
                                            QStringLiteral("--name"), name} +
                                    networkArguments +
                                    QStringList{QStringLiteral("-p"),
                                                QStringLiteral("127.0.0.1:%1:80").arg(port),
                                                QStringLiteral("app:v1")});
            const qint64 endUs = wallClockUs();
            const QList<DockerCall> calls = recorder.calls();
            QElapsedTimer health;
            health.start();
            bool healthy = false;
            while (
                !(healthy =
                      QProcess::execute(
                          QStringLiteral("curl"),
                          {QStringLiteral("-sf"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                           QStringLiteral("http://127.0.0.1:%1/healthz").arg(port)}) == 0) &&
                health.elapsed() < 30'000) {
            }
            if (round == 0) // the first one also creates what later rounds reuse
                continue;
            if (!removed.failure.isEmpty())
                cli.failures.append(removed.failure);
            else if (!started.failure.isEmpty())
                cli.failures.append(started.failure);
            else if (!healthy)
                cli.failures.append(QStringLiteral("%1 not healthy within 30 s").arg(name));
            else
                cli.rounds.push_back(splitRound(beginUs, endUs, calls, {}));
        }
        const CliRun last = dockerCli(
            host, {QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("bench-cli-5")});
        if (!last.failure.isEmpty())
            out() << "  clean-up: " << last.failure << "\n";
        return cli;
    };
    const CliRounds cliRounds = cliReplacements(
        {QStringLiteral("--network"), deploy::environmentNetwork(QStringLiteral("staging"))});

    printMedians(out(), QStringLiteral("console"), rounds, failures);
    printMedians(out(), QStringLiteral("docker CLI rm -f + run -d, same network and port"),
                 cliRounds.rounds, cliRounds.failures);
    printInProcessCosts(bed, workspace->context);
    std::vector<double> overheads;
    std::vector<double> own;
    std::vector<double> cli;
    for (const RoundSplit& round : rounds) {
        overheads.push_back(round.overhead());
        own.push_back(round.consoleOwn());
    }
    for (const RoundSplit& round : cliRounds.rounds)
        cli.push_back(round.total);
    const double overhead = percentile(overheads, 0.5);
    const double cliTotal = percentile(cli, 0.5);
    out() << QStringLiteral("console: overhead p50 %1 ms, its own share p50 %2 ms (goal <= 200 "
                            "ms; %3 rounds, %4 failed)\n")
                 .arg(overhead, 0, 'f', 0)
                 .arg(percentile(own, 0.5), 0, 'f', 0)
                 .arg(rounds.size())
                 .arg(failures.size());
    out() << QStringLiteral("docker CLI rm -f + run -d on the same network (health wait "
                            "excluded): p50 %1 ms (%2 rounds, %3 failed)\n")
                 .arg(cliTotal, 0, 'f', 0)
                 .arg(cliRounds.rounds.size())
                 .arg(cliRounds.failures.size());
    out() << QStringLiteral("ratio console overhead / docker CLI: %1\n")
                 .arg(cliTotal > 0 ? overhead / cliTotal : 0, 0, 'f', 2);
}

void blueGreenSwitch(const QString& dataDir)
{
    out() << "\n== blue-green switch through the runtime API\n";
    LocalHttpServer blue;
    LocalHttpServer green;
    QString error;
    if (!blue.start(&error) || !green.start(&error)) {
        out() << "backends: " << error << "\n";
        return;
    }
    blue.writeFile(QStringLiteral("healthz"), "ok\n");
    green.writeFile(QStringLiteral("healthz"), "ok\n");
    deploy::TrafficRouterOptions options;
    options.folder.path = dataDir + QStringLiteral("/bench-switch");
    QDir().mkpath(options.folder.path);
    options.environment = QStringLiteral("bench");
    options.listen = QStringLiteral("127.0.0.1:%1").arg(pickFreeLoopbackPort());
    options.health.path = QStringLiteral("/healthz");
    options.health.interval = std::chrono::milliseconds(500);
    Result<deploy::TrafficRouter> opened = deploy::TrafficRouter::open(options, 1);
    if (!opened) {
        out() << "haproxy: " << opened.error().toString() << "\n";
        return;
    }
    deploy::TrafficRouter& router = opened.value();
    const QString b = QString::fromUtf16(deploy::kBlue);
    const QString g = QString::fromUtf16(deploy::kGreen);
    if (!router.assign(b, 1, QStringLiteral("127.0.0.1"), blue.port()) ||
        !router.assign(g, 1, QStringLiteral("127.0.0.1"), green.port()) ||
        !router.waitUntilUp(b, std::chrono::seconds(20)) ||
        !router.waitUntilUp(g, std::chrono::seconds(20))) {
        out() << "the backends did not come up\n";
        return;
    }
    std::vector<double> switches;
    Runs failed; // only their reasons: a failed switch's time is not a switch's
    for (int i = 0; i < 200; ++i) {
        QElapsedTimer clock;
        clock.start();
        const Result<bool> shared = router.setShares({{i % 2 == 0 ? g : b, 100}});
        const double elapsed = double(clock.nsecsElapsed()) / 1e6;
        if (shared)
            switches.push_back(elapsed);
        else
            failed.fail(shared.error().toString());
    }
    QStringList reasons = failed.failures();
    reasons.removeDuplicates();
    out() << QStringLiteral("switch (both groups' weights, %1 switches, %2 failed%3): p50 %4 ms, "
                            "p99 %5 ms, max %6 ms (goal <= 50 ms)\n")
                 .arg(switches.size())
                 .arg(failed.failed())
                 .arg(reasons.isEmpty() ? QString() : u": " + reasons.join(QStringLiteral("; ")))
                 .arg(percentile(switches, 0.5), 0, 'f', 2)
                 .arg(percentile(switches, 0.99), 0, 'f', 2)
                 .arg(percentile(switches, 1.0), 0, 'f', 2);
    if (!router.stop())
        out() << "haproxy did not stop\n";
}

void statusOfHundred(DeployTestBed& bed)
{
    out() << "\n== status over 100 applications\n";
    constexpr int kApps = 100;
    QTemporaryDir folder;
    QString yaml =
        QStringLiteral("version: 1\nname: benchstatus\ntargets:\n  d:\n    type: docker\n"
                       "    host: %1\nenvironments:\n  staging:\n    target: d\n"
                       "applications:\n")
            .arg(bed.docker().daemon().host());
    for (int i = 0; i < kApps; ++i)
        yaml += QStringLiteral("  app%1:\n    image: app\n    version: v1\n").arg(i);
    QFile file(folder.filePath(QStringLiteral("launchdeck.yaml")));
    if (!file.open(QIODevice::WriteOnly) || file.write(yaml.toUtf8()) < 0)
        return;
    file.close();
    Diagnostics findings;
    const std::optional<Workspace> workspace = loadWorkspace(folder.path(), findings);
    if (!workspace) {
        out() << "workspace did not load\n";
        return;
    }
    // One running container and one completed deployment per application.
    DockerClient& client = bed.docker().client();
    for (int i = 0; i < kApps; ++i) {
        const QString app = QStringLiteral("app%1").arg(i);
        const deploy::ContainerIdentity identity{
            app, QStringLiteral("staging"), 1, QStringLiteral("bench"), QStringLiteral("blue"), 1};
        DockerContainerSpec spec;
        spec.name = deploy::containerName(identity);
        spec.image = QStringLiteral("busybox:local");
        spec.cmd = {QStringLiteral("sleep"), QStringLiteral("3600")};
        spec.labels = deploy::identityLabels(identity);
        const Result<QString> id = client.createContainer(spec);
        if (!id || !client.startContainer(*id)) {
            out() << "could not start the containers\n";
            return;
        }
        DeploymentStart start;
        start.application = app;
        start.environment = QStringLiteral("staging");
        start.to = Revision{1, QStringLiteral("busybox:local")};
        const Result<QString> begun = bed.ledger()->begin(start);
        if (begun)
            bed.ledger()->finish(*begun, DeploymentStatus::Completed);
    }
    deploy::DeploymentContext context;
    context.workspace = *workspace;
    context.dataDir = bed.dataDir();
    context.ledger = bed.ledger();
    // The CLI must list as many containers as carry the label, whatever other parts left.
    const Result<QList<DockerContainer>> labelled = client.containers(
        true, QJsonObject{{QStringLiteral("label"),
                           QJsonObject{{QStringLiteral("launchdeck.application"), true}}}});
    if (!labelled) {
        out() << "cannot list the labelled containers: " << labelled.error().toString() << "\n";
        return;
    }
    // A status counts when every pair has its one running replica, as made above.
    Runs ours;
    for (int i = 0; i < 10; ++i) {
        QElapsedTimer clock;
        clock.start();
        const QList<deploy::PairStatus> statuses = deploy::deploymentStatus(context);
        const double elapsed = double(clock.nsecsElapsed()) / 1e6;
        const qsizetype running =
            std::count_if(statuses.begin(), statuses.end(), [](const deploy::PairStatus& pair) {
                return pair.hostError.isEmpty() && pair.runningReplicas == 1;
            });
        if (statuses.size() != kApps || running != kApps)
            ours.fail(QStringLiteral("%1 pairs, %2 with their running replica")
                          .arg(statuses.size())
                          .arg(running));
        else
            ours.add(elapsed);
    }
    Runs cli;
    for (int i = 0; i < 10; ++i) {
        const CliRun run =
            dockerCli(bed.docker().daemon().host(),
                      {QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--filter"),
                       QStringLiteral("label=launchdeck.application")});
        const qsizetype rows = run.output.trimmed().count('\n'); // lines less the header
        if (!run.failure.isEmpty())
            cli.fail(run.failure);
        else if (rows != labelled->size())
            cli.fail(QStringLiteral("listed %1 of %2").arg(rows).arg(labelled->size()));
        else
            cli.add(run.ms);
    }
    out() << QStringLiteral("status of %1 pairs (ledger + one container listing): p50 %2 ms (%3)\n")
                 .arg(kApps)
                 .arg(ours.median(), 0, 'f', 1)
                 .arg(ours.count());
    out() << QStringLiteral("docker ps -a --filter label=… (the same %1 containers): p50 %2 ms "
                            "(%3)\n")
                 .arg(labelled->size())
                 .arg(cli.median(), 0, 'f', 1)
                 .arg(cli.count());
    out()
        << QStringLiteral("ratio: %1\n").arg(bench::ratio(ours.median(), cli.median()), 0, 'f', 2);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    DeployTestBed bed;
    QString error;
    if (!bed.start(&error)) {
        out() << "set-up failed: " << error << "\n";
        return 1;
    }
    out() << "bench_deploy: private dockerd, images app:v1/v2, haproxy from PATH\n";
    out().flush();
    // BENCH_DEPLOY_ONLY=recreate (or switch, status) runs one part.
    const QString only = qEnvironmentVariable("BENCH_DEPLOY_ONLY");
    if (only.isEmpty() || only == u"switch")
        blueGreenSwitch(bed.dataDir());
    out().flush();
    if (only.isEmpty() || only == u"recreate")
        recreateOverhead(bed);
    out().flush();
    if (only.isEmpty() || only == u"status")
        statusOfHundred(bed);
    out().flush();
    return 0;
}
