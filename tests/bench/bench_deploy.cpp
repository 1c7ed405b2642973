// Benchmark: deployments on a private dockerd — the console's overhead in a recreate deploy
// (total minus the wait for the new container's health) beside the same replacement done with
// the docker CLI, the blue-green switch through HAProxy's runtime API, and `status` over 100
// applications beside `docker ps` with the same label filter.
#include "deploy/deploymentengine.h"
#include "deploy/trafficrouter.h"
#include "fakes/deploytestbed.h"
#include "fakes/localhttpserver.h"
#include "store/historystore.h"
#include "workspace/workspace.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
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

// The time from "started <name>" to "<name> is healthy" in a job's log.
qint64 healthWaitMs(const QList<deploy::DeploymentEvent>& events)
{
    QMap<QString, QDateTime> started;
    qint64 total = 0;
    static const QRegularExpression startedLine(QStringLiteral("^started (\\S+)"));
    static const QRegularExpression healthyLine(QStringLiteral("^(\\S+) is healthy$"));
    for (const deploy::DeploymentEvent& event : events) {
        if (const auto match = startedLine.match(event.text); match.hasMatch())
            started.insert(match.captured(1), event.at);
        if (const auto match = healthyLine.match(event.text);
            match.hasMatch() && started.contains(match.captured(1)))
            total += started.value(match.captured(1)).msecsTo(event.at);
    }
    return total;
}

void recreateOverhead(DeployTestBed& bed)
{
    out() << "\n== recreate deploy: console overhead (total minus health wait)\n";
    DeployAppOptions options;
    options.workspace = QStringLiteral("benchrecreate");
    options.strategy = QStringLiteral("recreate");
    options.traffic = false;
    options.hostPort = int(pickFreeLoopbackPort());
    options.monitor = QStringLiteral("0s");
    QString error;
    const std::optional<DeployWorkspace> workspace = bed.workspace(options, &error);
    if (!workspace) {
        out() << "workspace: " << error << "\n";
        return;
    }
    std::vector<double> totals;
    std::vector<double> overheads;
    for (int round = 0; round < 6; ++round) {
        deploy::DeploymentRequest request;
        request.application = QStringLiteral("app");
        request.environment = QStringLiteral("staging");
        request.version = round % 2 == 0 ? QStringLiteral("v1") : QStringLiteral("v2");
        QElapsedTimer clock;
        clock.start();
        const DeployOutcome outcome = DeployTestBed::run(workspace->context, request);
        const double total = double(clock.nsecsElapsed()) / 1e6;
        if (outcome.status != DeploymentStatus::Completed) {
            out() << "deploy failed: " << outcome.message << "\n";
            return;
        }
        const double waited = double(healthWaitMs(outcome.events));
        if (round == 1 && qEnvironmentVariableIsSet("BENCH_DEPLOY_TIMELINE")) {
            for (const deploy::DeploymentEvent& event : outcome.events)
                out() << QStringLiteral("    +%1 ms %2 %3\n")
                             .arg(outcome.events.first().at.msecsTo(event.at), 6)
                             .arg(deploymentStageName(event.stage), event.text);
        }
        if (round > 0) { // the first one also creates the network
            totals.push_back(total);
            overheads.push_back(total - waited);
        }
        out() << QStringLiteral("  round %1: total %2 ms, health wait %3 ms, overhead %4 ms\n")
                     .arg(round)
                     .arg(total, 0, 'f', 0)
                     .arg(waited, 0, 'f', 0)
                     .arg(total - waited, 0, 'f', 0);
    }
    // The reference: the same replacement by hand with the docker CLI and curl, health wait
    // excluded the same way.
    const QString host = bed.docker().daemon().host();
    const int port = int(pickFreeLoopbackPort());
    std::vector<double> cliTotals;
    for (int round = 0; round < 5; ++round) {
        const QString name = QStringLiteral("bench-cli-%1").arg(round);
        const QString previous = QStringLiteral("bench-cli-%1").arg(round - 1);
        QElapsedTimer clock;
        clock.start();
        if (round > 0)
            dockerCli(host, {QStringLiteral("rm"), QStringLiteral("-f"), previous});
        dockerCli(host, {QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--name"),
                         name, QStringLiteral("-p"), QStringLiteral("127.0.0.1:%1:80").arg(port),
                         QStringLiteral("app:v1")});
        const double beforeHealth = double(clock.nsecsElapsed()) / 1e6;
        QElapsedTimer health;
        health.start();
        while (QProcess::execute(QStringLiteral("curl"),
                                 {QStringLiteral("-sf"), QStringLiteral("-o"),
                                  QStringLiteral("/dev/null"),
                                  QStringLiteral("http://127.0.0.1:%1/healthz").arg(port)}) != 0 &&
               health.elapsed() < 30'000) {
        }
        cliTotals.push_back(beforeHealth);
    }
    dockerCli(host, {QStringLiteral("rm"), QStringLiteral("-f"), QStringLiteral("bench-cli-4")});
    const double overhead = percentile(overheads, 0.5);
    const double cli = percentile(cliTotals, 0.5);
    out() << QStringLiteral("console: total p50 %1 ms, overhead p50 %2 ms (goal <= 200 ms)\n")
                 .arg(percentile(totals, 0.5), 0, 'f', 0)
                 .arg(overhead, 0, 'f', 0);
    out() << QStringLiteral("docker CLI rm -f + run -d on the same network (health wait "
                            "excluded): p50 %1 ms\n")
                 .arg(cli, 0, 'f', 0);
    out() << QStringLiteral("ratio console overhead / docker CLI: %1\n")
                 .arg(cli > 0 ? overhead / cli : 0, 0, 'f', 2);
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
    blueGreenSwitch(bed.dataDir());
    out().flush();
    recreateOverhead(bed);
    out().flush();
    statusOfHundred(bed);
    out().flush();
    return 0;
}
