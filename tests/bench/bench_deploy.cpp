// Benchmark: deployments on a private dockerd — the console's overhead in a recreate deploy
// (total minus the wait for the new container's health), split by a timing relay on the Docker
// socket into the daemon's time for the calls any tool must make and the console's own, beside
// the same replacement done with the docker CLI; the blue-green switch through HAProxy's runtime
// API, and `status` over 100 applications beside `docker ps` with the same label filter.
#include "deploy/deploymentengine.h"
#include "deploy/trafficrouter.h"
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

namespace {

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

double percentile(std::vector<double> values, double share)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(share * double(values.size())))];
}

// Milliseconds `docker` (the CLI, on the same daemon) takes for `arguments`.
double dockerCli(const QString& host, const QStringList& arguments, QByteArray* output = nullptr)
{
    QProcess docker;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("DOCKER_HOST"), host);
    docker.setProcessEnvironment(environment);
    QElapsedTimer clock;
    clock.start();
    docker.start(QStringLiteral("docker"), arguments);
    docker.waitForFinished(120'000);
    if (output)
        *output = docker.readAllStandardOutput();
    return double(clock.nsecsElapsed()) / 1e6;
}

qint64 eventUs(const deploy::DeploymentEvent& event)
{
    return event.at.toMSecsSinceEpoch() * 1000;
}

// The calls any tool replacing a container makes: stop and remove the old one, create and
// start the new one.
bool isRequiredKind(const QString& k)
{
    return k == u"create" || k == u"start" || k == u"stop" || k == u"kill" || k == u"remove";
}

bool isRequired(const DockerCall& call)
{
    return isRequiredKind(call.kind());
}

using Span = std::pair<qint64, qint64>;

// The length of the union of `spans`, leaving out what falls inside `excluded`.
qint64 coveredUs(std::vector<Span> spans, const std::vector<Span>& excluded = {})
{
    std::vector<Span> pieces;
    for (const Span& span : spans) {
        std::vector<Span> parts{span};
        for (const Span& cut : excluded) {
            std::vector<Span> next;
            for (const Span& part : parts) {
                if (cut.second <= part.first || cut.first >= part.second) {
                    next.push_back(part);
                    continue;
                }
                if (part.first < cut.first)
                    next.emplace_back(part.first, cut.first);
                if (cut.second < part.second)
                    next.emplace_back(cut.second, part.second);
            }
            parts = next;
        }
        pieces.insert(pieces.end(), parts.begin(), parts.end());
    }
    std::sort(pieces.begin(), pieces.end());
    qint64 total = 0;
    qint64 reach = std::numeric_limits<qint64>::min();
    for (const Span& piece : pieces) {
        const qint64 from = std::max(piece.first, reach);
        if (piece.second > from)
            total += piece.second - from;
        reach = std::max(reach, piece.second);
    }
    return total;
}

// From "started <name>" to "<name> is healthy" in a job's log, per container.
std::vector<Span> healthWindows(const QList<deploy::DeploymentEvent>& events)
{
    QMap<QString, qint64> started;
    std::vector<Span> windows;
    static const QRegularExpression startedLine(QStringLiteral("^started (\\S+)"));
    static const QRegularExpression healthyLine(QStringLiteral("^(\\S+) is healthy$"));
    for (const deploy::DeploymentEvent& event : events) {
        if (const auto match = startedLine.match(event.text); match.hasMatch())
            started.insert(match.captured(1), eventUs(event));
        if (const auto match = healthyLine.match(event.text);
            match.hasMatch() && started.contains(match.captured(1)))
            windows.emplace_back(started.value(match.captured(1)), eventUs(event));
    }
    return windows;
}

double ms(qint64 us)
{
    return double(us) / 1000.0;
}

// One round's time, split: the daemon's work any tool must ask for, the daemon's answers to
// the console's other questions, and the console's own work, all outside the health wait.
struct RoundSplit
{
    double total = 0;
    double health = 0;
    double required = 0;   // stop/remove old, create/start new
    double otherCalls = 0; // every other Docker call
    double inProcess = 0;  // ledger, validation, planning, probes' set-up, locks
    double gap = 0; // the old container's stop (or kill) asked → the new one's start answered
    QMap<QString, std::pair<int, double>> perKind; // calls and milliseconds by kind

    double overhead() const { return total - health; }
    double consoleOwn() const { return overhead() - required; }
};

RoundSplit splitRound(qint64 beginUs, qint64 endUs, const QList<DockerCall>& calls,
                      const std::vector<Span>& health)
{
    RoundSplit split;
    split.total = ms(endUs - beginUs);
    split.health = ms(coveredUs(health));
    std::vector<Span> required;
    std::vector<Span> other;
    for (const DockerCall& call : calls) {
        (isRequired(call) ? required : other).emplace_back(call.startUs, call.endUs);
        auto& row = split.perKind[call.kind()];
        ++row.first;
        row.second += ms(call.durationUs());
    }
    split.required = ms(coveredUs(required, health));
    std::vector<Span> outside = health;
    outside.insert(outside.end(), required.begin(), required.end());
    split.otherCalls = ms(coveredUs(other, outside));
    split.inProcess = split.overhead() - split.required - split.otherCalls;
    qint64 gapBegin = std::numeric_limits<qint64>::max();
    qint64 gapEnd = 0;
    for (const DockerCall& call : calls) {
        const QString kind = call.kind();
        if (kind == u"stop" || kind == u"kill" || kind == u"remove")
            gapBegin = std::min(gapBegin, call.startUs);
        if (kind == u"start")
            gapEnd = std::max(gapEnd, call.endUs);
    }
    if (gapEnd > gapBegin)
        split.gap = ms(gapEnd - gapBegin);
    return split;
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

void printSplit(const QString& label, const RoundSplit& split)
{
    out() << QStringLiteral("  %1: total %2 ms, health wait %3 ms, overhead %4 ms = required calls "
                            "%5 ms + console's own %6 ms (other Docker calls %7 ms, in-process "
                            "%8 ms)\n")
                 .arg(label)
                 .arg(split.total, 0, 'f', 0)
                 .arg(split.health, 0, 'f', 0)
                 .arg(split.overhead(), 0, 'f', 0)
                 .arg(split.required, 0, 'f', 0)
                 .arg(split.consoleOwn(), 0, 'f', 0)
                 .arg(split.otherCalls, 0, 'f', 0)
                 .arg(split.inProcess, 0, 'f', 0);
}

// The p50 of each figure over the rounds, and the Docker calls by kind.
void printMedians(const QString& label, const std::vector<RoundSplit>& rounds)
{
    const auto p50 = [&](const std::function<double(const RoundSplit&)>& figure) {
        std::vector<double> values;
        for (const RoundSplit& round : rounds)
            values.push_back(figure(round));
        return percentile(values, 0.5);
    };
    RoundSplit median;
    median.total = p50([](const RoundSplit& r) { return r.total; });
    median.health = p50([](const RoundSplit& r) { return r.health; });
    median.required = p50([](const RoundSplit& r) { return r.required; });
    median.otherCalls = p50([](const RoundSplit& r) { return r.otherCalls; });
    median.inProcess = p50([](const RoundSplit& r) { return r.inProcess; });
    median.gap = p50([](const RoundSplit& r) { return r.gap; });
    out() << QStringLiteral("%1 p50 over %2 rounds: total %3 ms, health wait %4 ms, overhead %5 "
                            "ms\n")
                 .arg(label)
                 .arg(rounds.size())
                 .arg(median.total, 0, 'f', 0)
                 .arg(median.health, 0, 'f', 0)
                 .arg(p50([](const RoundSplit& r) { return r.overhead(); }), 0, 'f', 0);
    out() << QStringLiteral("  daemon time of the required calls %1 ms; console's own %2 ms "
                            "(other Docker calls %3 ms, in-process %4 ms)\n")
                 .arg(median.required, 0, 'f', 0)
                 .arg(p50([](const RoundSplit& r) { return r.consoleOwn(); }), 0, 'f', 0)
                 .arg(median.otherCalls, 0, 'f', 0)
                 .arg(median.inProcess, 0, 'f', 0);
    out() << QStringLiteral("  the gap (old one's stop asked → new one's start answered, before "
                            "its health): %1 ms\n")
                 .arg(median.gap, 0, 'f', 0);
    QSet<QString> kinds;
    for (const RoundSplit& round : rounds) {
        for (auto it = round.perKind.begin(); it != round.perKind.end(); ++it)
            kinds.insert(it.key());
    }
    QStringList sorted(kinds.begin(), kinds.end());
    sorted.sort();
    for (const QString& kind : sorted) {
        std::vector<double> counts;
        std::vector<double> times;
        for (const RoundSplit& round : rounds) {
            const auto row = round.perKind.value(kind, {0, 0.0});
            counts.push_back(row.first);
            times.push_back(row.second);
        }
        out() << QStringLiteral("    %1 %2 × per round, p50 %3 ms in all%4\n")
                     .arg(kind, -20)
                     .arg(percentile(counts, 0.5), 0, 'f', 0)
                     .arg(percentile(times, 0.5), 7, 'f', 1)
                     .arg(isRequiredKind(kind) ? QStringLiteral(" (required)") : QString());
    }
}

// The in-process costs the timeline cannot split finely: a ledger write and the validation of
// the workspace, each timed alone.
void printInProcessCosts(DeployTestBed& bed, const deploy::DeploymentContext& context)
{
    std::vector<double> writes;
    for (int i = 0; i < 5; ++i) {
        DeploymentStart start;
        start.application = QStringLiteral("bench-ledger");
        start.environment = QStringLiteral("staging");
        start.to = Revision{i + 1, QStringLiteral("busybox:local")};
        QElapsedTimer clock;
        clock.start();
        const Result<QString> begun = bed.ledger()->begin(start);
        writes.push_back(double(clock.nsecsElapsed()) / 1e6);
        if (!begun)
            break;
        for (DeploymentStage stage :
             {DeploymentStage::Validating, DeploymentStage::Testing, DeploymentStage::Deploying}) {
            clock.restart();
            bed.ledger()->recordTransition(*begun, stage);
            writes.push_back(double(clock.nsecsElapsed()) / 1e6);
        }
        clock.restart();
        bed.ledger()->finish(*begun, DeploymentStatus::Completed);
        writes.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    std::vector<double> validations;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer clock;
        clock.start();
        for (const QString& path : validationTargets(context.workspace.root))
            (void)validateFile(path, ValidationLevel::Basic);
        validations.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    out() << QStringLiteral("  alone: one ledger write p50 %1 ms (max %2 ms); the workspace walk "
                            "and validation p50 %3 ms\n")
                 .arg(percentile(writes, 0.5), 0, 'f', 1)
                 .arg(percentile(writes, 1.0), 0, 'f', 1)
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
            out() << "deploy failed: " << outcome.message << "\n" << outcome.transcript() << "\n";
            return;
        }
        const QList<DockerCall> calls = recorder.calls();
        if (round == 1 && qEnvironmentVariableIsSet("BENCH_DEPLOY_TIMELINE"))
            printTimeline(beginUs, outcome.events, calls);
        const RoundSplit split = splitRound(beginUs, endUs, calls, healthWindows(outcome.events));
        if (round > 0) // the first one also creates the network
            rounds.push_back(split);
        printSplit(QStringLiteral("round %1").arg(round), split);
    }
    out().flush();
    // The reference: the same replacement by hand with the docker CLI and curl, through the
    // same relay, health wait excluded the same way: on the environment's network as the
    // console does, and on the default bridge, whose start the daemon makes much faster.
    const QString host = recorder.host();
    const auto cliReplacements = [&](const QStringList& networkArguments) {
        const int port = int(pickFreeLoopbackPort());
        std::vector<RoundSplit> cliRounds;
        for (int round = 0; round < 6; ++round) {
            const QString name = QStringLiteral("bench-cli-%1").arg(round);
            const QString previous = QStringLiteral("bench-cli-%1").arg(round - 1);
            recorder.clear();
            const qint64 beginUs = wallClockUs();
            if (round > 0)
                dockerCli(host, {QStringLiteral("rm"), QStringLiteral("-f"), previous});
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
            while (QProcess::execute(
                       QStringLiteral("curl"),
                       {QStringLiteral("-sf"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                        QStringLiteral("http://127.0.0.1:%1/healthz").arg(port)}) != 0 &&
                   health.elapsed() < 30'000) {
            }
            if (round > 0)
                cliRounds.push_back(splitRound(beginUs, endUs, calls, {}));
        }
        dockerCli(host,
                  {QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("bench-cli-5")});
        return cliRounds;
    };
    const std::vector<RoundSplit> cliRounds = cliReplacements(
        {QStringLiteral("--network"), deploy::environmentNetwork(QStringLiteral("staging"))});
    const std::vector<RoundSplit> bridgeRounds = cliReplacements({});

    printMedians(QStringLiteral("console"), rounds);
    printMedians(QStringLiteral("docker CLI rm -f + run -d, same network and port"), cliRounds);
    printMedians(QStringLiteral("docker CLI rm -f + run -d, default bridge, same port"),
                 bridgeRounds);
    printInProcessCosts(bed, workspace->context);
    std::vector<double> overheads;
    std::vector<double> own;
    std::vector<double> cli;
    for (const RoundSplit& round : rounds) {
        overheads.push_back(round.overhead());
        own.push_back(round.consoleOwn());
    }
    for (const RoundSplit& round : cliRounds)
        cli.push_back(round.total);
    const double overhead = percentile(overheads, 0.5);
    const double cliTotal = percentile(cli, 0.5);
    out() << QStringLiteral("console: overhead p50 %1 ms, its own share p50 %2 ms (goal <= 200 "
                            "ms)\n")
                 .arg(overhead, 0, 'f', 0)
                 .arg(percentile(own, 0.5), 0, 'f', 0);
    out() << QStringLiteral("docker CLI rm -f + run -d on the same network (health wait "
                            "excluded): p50 %1 ms\n")
                 .arg(cliTotal, 0, 'f', 0);
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
    for (int i = 0; i < 200; ++i) {
        QElapsedTimer clock;
        clock.start();
        const Result<bool> shared = router.setShares({{i % 2 == 0 ? g : b, 100}});
        switches.push_back(double(clock.nsecsElapsed()) / 1e6);
        if (!shared) {
            out() << "switch: " << shared.error().toString() << "\n";
            break;
        }
    }
    out() << QStringLiteral("switch (both groups' weights, %1 times): p50 %2 ms, p99 %3 ms, max %4 "
                            "ms (goal <= 50 ms)\n")
                 .arg(switches.size())
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
    std::vector<double> ours;
    for (int i = 0; i < 10; ++i) {
        QElapsedTimer clock;
        clock.start();
        const QList<deploy::PairStatus> statuses = deploy::deploymentStatus(context);
        ours.push_back(double(clock.nsecsElapsed()) / 1e6);
        if (statuses.size() != kApps)
            out() << "unexpected: " << statuses.size() << " pairs\n";
    }
    std::vector<double> cli;
    for (int i = 0; i < 10; ++i)
        cli.push_back(
            dockerCli(bed.docker().daemon().host(),
                      {QStringLiteral("ps"), QStringLiteral("-a"), QStringLiteral("--filter"),
                       QStringLiteral("label=launchdeck.application")}));
    out() << QStringLiteral("status of %1 pairs (ledger + one container listing): p50 %2 ms\n")
                 .arg(kApps)
                 .arg(percentile(ours, 0.5), 0, 'f', 1);
    out() << QStringLiteral("docker ps -a --filter label=… (same containers): p50 %1 ms\n")
                 .arg(percentile(cli, 0.5), 0, 'f', 1);
    out() << QStringLiteral("ratio: %1\n")
                 .arg(percentile(ours, 0.5) / std::max(0.001, percentile(cli, 0.5)), 0, 'f', 2);
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
