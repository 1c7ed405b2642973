// Benchmark: the console's Docker work side by side with the docker CLI on one private dockerd —
// the first sample with CPU, memory and network of 50 running containers, listing 500
// containers, and the console's memory and CPU while 200 containers stream their stats.
#include "benchruns.h"

#include "docker/dockerclient.h"
#include "docker/dockerhost.h"

#include "fakes/dockerdaemon.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <memory>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace launchdeck;
using bench::Runs;

namespace {

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

// Each stats container wakes twice a second, so every one-second stats window holds some CPU
// time and the CPU figure both sides show is non-zero: proof that it was computed, not left at
// its default. `while sleep` ends the container, rather than spinning, should sleep fail.
const QStringList kTickingCommand{QStringLiteral("sh"), QStringLiteral("-c"),
                                  QStringLiteral("while sleep 0.5; do :; done")};
const QStringList kIdleCommand{QStringLiteral("sleep"), QStringLiteral("86400")};

// Creates `count` busybox containers, started or not, with several clients in parallel as a
// busy host would see them appear; returns how many were made.
int createContainers(const DockerEndpoint& endpoint, const QString& prefix, int count, bool start,
                     const QStringList& command = kIdleCommand)
{
    constexpr int kWorkers = 6;
    std::atomic<int> next{0};
    std::atomic<int> made{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < kWorkers; ++w) {
        workers.emplace_back([&] {
            DockerClient client(endpoint);
            if (!client.negotiate())
                return;
            for (int i = next++; i < count; i = next++) {
                DockerContainerSpec spec;
                spec.name = prefix + QString::number(i);
                spec.image = QStringLiteral("busybox:local");
                spec.cmd = command;
                spec.labels.insert(QStringLiteral("launchdeck.bench"), prefix);
                const Result<QString> id = client.createContainer(spec);
                if (id && (!start || client.startContainer(*id)))
                    ++made;
            }
        });
    }
    for (std::thread& worker : workers)
        worker.join();
    return made.load();
}

void removeAll(const DockerEndpoint& endpoint)
{
    DockerClient client(endpoint);
    if (!client.negotiate())
        return;
    const Result<QList<DockerContainer>> all = client.containers(true);
    if (!all)
        return;
    std::atomic<qsizetype> next{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < 6; ++w) {
        workers.emplace_back([&] {
            DockerClient remover(endpoint);
            if (!remover.negotiate())
                return;
            for (qsizetype i = next++; i < all->size(); i = next++)
                static_cast<void>(remover.removeContainer(all->at(i).id, true));
        });
    }
    for (std::thread& worker : workers)
        worker.join();
}

struct CliRun
{
    double ms = 0;
    QString failure; // empty: it ran and exited 0
    QList<QByteArray> lines;
};

// One docker CLI command against `host` (none: the CLI alone), timed from start to exit.
CliRun runCli(const QString& host, const QStringList& arguments)
{
    CliRun run;
    const QString docker = QStandardPaths::findExecutable(QStringLiteral("docker"));
    if (docker.isEmpty()) {
        run.failure = QStringLiteral("docker CLI not found");
        return run;
    }
    QProcess process;
    process.setProgram(docker);
    process.setArguments(host.isEmpty() ? arguments
                                        : QStringList{QStringLiteral("-H"), host} + arguments);
    QElapsedTimer timer;
    timer.start();
    process.start();
    const bool finished = process.waitForFinished(120'000);
    run.ms = double(timer.nsecsElapsed()) / 1e6;
    if (!finished) {
        process.kill();
        process.waitForFinished();
        run.failure = QStringLiteral("docker %1 did not end in 120 s").arg(arguments.first());
    } else if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        run.failure = QStringLiteral("docker %1 exited %2: %3")
                          .arg(arguments.first())
                          .arg(process.exitCode())
                          .arg(QString::fromLocal8Bit(process.readAllStandardError()).trimmed());
    }
    for (const QByteArray& line : process.readAllStandardOutput().split('\n')) {
        if (!line.trimmed().isEmpty())
            run.lines.append(line);
    }
    return run;
}

// A CPU figure such as "0.06%" above zero; "--" (no figure) and "0.00%" are not.
bool nonZeroPercent(const QByteArray& field)
{
    bool ok = false;
    const double value =
        field.trimmed().chopped(field.trimmed().endsWith('%') ? 1 : 0).toDouble(&ok);
    return ok && value > 0;
}

// `docker stats --no-stream`: the daemon answers each container once it has a second frame,
// whose precpu_stats makes the CPU figure. A run counts when every running container got a row
// with CPU, memory and network figures; the CLI leaves "--" where a container's stats timed out.
void cliFirstSample(const QString& host, int running, Runs& runs, int& nonZeroCpu)
{
    const CliRun run = runCli(
        host, {QStringLiteral("stats"), QStringLiteral("--no-stream"), QStringLiteral("--format"),
               QStringLiteral("{{.ID}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.NetIO}}")});
    if (!run.failure.isEmpty()) {
        runs.fail(run.failure);
        return;
    }
    int complete = 0;
    nonZeroCpu = 0;
    for (const QByteArray& line : run.lines) {
        const QList<QByteArray> fields = line.split('\t');
        if (fields.size() == 4 && !fields[1].contains("--") && !fields[2].contains("--") &&
            !fields[3].contains("--"))
            ++complete;
        if (fields.size() == 4 && nonZeroPercent(fields[1]))
            ++nonZeroCpu;
    }
    if (complete != running) {
        runs.fail(
            QStringLiteral("docker stats gave %1 complete rows of %2").arg(complete).arg(running));
        return;
    }
    runs.add(run.ms);
}

// From DockerHost::start() until every one of `ids` has delivered a sample with CPU, memory and
// network figures: the second frame of its stream, since the first has a zeroed precpu_stats
// (no CPU figure) and no previous sample to make network rates from.
void consoleFirstSample(const DockerEndpoint& endpoint, const QSet<QString>& ids, Runs& runs,
                        int& nonZeroCpu)
{
    DockerHost host(QStringLiteral("bench"), endpoint);
    QSet<QString> waiting = ids;
    QHash<QString, int> frames;
    nonZeroCpu = 0;
    QEventLoop loop;
    QObject::connect(&host, &DockerHost::statsSampled, &loop,
                     [&](const QList<DockerStatsSample>& samples) {
                         for (const DockerStatsSample& sample : samples) {
                             if (!waiting.contains(sample.containerId) ||
                                 ++frames[sample.containerId] < 2 || sample.memoryLimitBytes == 0)
                                 continue;
                             waiting.remove(sample.containerId);
                             if (sample.cpuPercent > 0)
                                 ++nonZeroCpu;
                         }
                         if (waiting.isEmpty())
                             loop.quit();
                     });
    QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
    QElapsedTimer timer;
    timer.start();
    host.start();
    loop.exec();
    if (!waiting.isEmpty()) {
        const qsizetype firstOnly =
            std::count_if(waiting.begin(), waiting.end(),
                          [&](const QString& id) { return frames.value(id) == 1; });
        runs.fail(QStringLiteral("after 60 s %1 of %2 containers had no full sample (%3 only a "
                                 "first frame)")
                      .arg(waiting.size())
                      .arg(ids.size())
                      .arg(firstOnly));
        return;
    }
    runs.add(double(timer.nsecsElapsed()) / 1e6);
}

QString msFigures(const Runs& runs, int precision = 0)
{
    if (!runs.anySucceeded())
        return QStringLiteral("no successful run (%1)").arg(runs.count());
    return QStringLiteral("%1 ms (%2 to %3; %4)")
        .arg(runs.median(), 0, 'f', precision)
        .arg(runs.min(), 0, 'f', precision)
        .arg(runs.max(), 0, 'f', precision)
        .arg(runs.count());
}

void firstSamples(const test::DockerDaemon& daemon, const DockerEndpoint& endpoint, int rounds)
{
    const int made =
        createContainers(endpoint, QStringLiteral("stats-"), 50, true, kTickingCommand);
    DockerClient client(endpoint);
    const Result<QList<DockerContainer>> runningNow =
        client.negotiate()
            ? client.containers(false)
            : Result<QList<DockerContainer>>(
                  Error{QStringLiteral("no answer to the version negotiation"), daemon.host()});
    if (!runningNow) {
        out() << "cannot list the running containers: " << runningNow.error().toString() << '\n';
        return;
    }
    QSet<QString> ids;
    for (const DockerContainer& container : *runningNow)
        ids.insert(container.id);
    out() << QStringLiteral("first sample with CPU, memory and network of every running container "
                            "(%1 made, %2 running), %3 rounds:\n")
                 .arg(made)
                 .arg(ids.size())
                 .arg(rounds);
    Runs console;
    Runs cli;
    for (int round = 0; round < rounds; ++round) {
        int consoleCpu = 0;
        int cliCpu = 0;
        consoleFirstSample(endpoint, ids, console, consoleCpu);
        cliFirstSample(daemon.host(), int(ids.size()), cli, cliCpu);
        out() << QStringLiteral("  round %1: non-zero CPU figures: console %2, docker stats %3 of "
                                "%4\n")
                     .arg(round + 1)
                     .arg(consoleCpu)
                     .arg(cliCpu)
                     .arg(ids.size());
    }
    out() << "  console (connect, list, a stats stream each, until the second frame of every one): "
          << msFigures(console) << '\n';
    out() << "  docker stats --no-stream (all rows with figures): " << msFigures(cli) << '\n';
    out() << QStringLiteral("  ratio console / docker stats: %1 (goal: console <= 1200 ms)\n")
                 .arg(bench::ratio(console.median(), cli.median()), 0, 'f', 2);
    out().flush();
}

// Listing every container: in process on a negotiated client, in process with a new connection
// and its version negotiation (what each CLI invocation also does), and `docker ps -a`, whose
// own start is timed apart with `docker --version` (no daemon call) and taken off.
void listing(const test::DockerDaemon& daemon, const DockerEndpoint& endpoint, int rounds)
{
    createContainers(endpoint, QStringLiteral("list-"), 450, false);
    DockerClient client(endpoint);
    if (!client.negotiate()) {
        out() << "cannot negotiate with the private dockerd\n";
        return;
    }
    const Result<QList<DockerContainer>> all = client.containers(true);
    if (!all) {
        out() << "cannot list the containers: " << all.error().toString() << '\n';
        return;
    }
    const qsizetype expected = all->size();
    Runs negotiated;
    Runs fresh;
    Runs cli;
    Runs cliStart;
    for (int round = 0; round < rounds; ++round) {
        QElapsedTimer timer;
        timer.start();
        const Result<QList<DockerContainer>> listed = client.containers(true);
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        if (!listed)
            negotiated.fail(listed.error().toString());
        else if (listed->size() != expected)
            negotiated.fail(QStringLiteral("listed %1 of %2").arg(listed->size()).arg(expected));
        else
            negotiated.add(ms);

        timer.restart();
        DockerClient newClient(endpoint);
        const bool connected = bool(newClient.negotiate());
        const Result<QList<DockerContainer>> again =
            connected ? newClient.containers(true)
                      : Result<QList<DockerContainer>>(Error{
                            QStringLiteral("no answer to the version negotiation"), daemon.host()});
        const double freshMs = double(timer.nsecsElapsed()) / 1e6;
        if (!connected || !again)
            fresh.fail(again.error().toString());
        else if (again->size() != expected)
            fresh.fail(QStringLiteral("listed %1 of %2").arg(again->size()).arg(expected));
        else
            fresh.add(freshMs);

        const CliRun ps = runCli(daemon.host(), {QStringLiteral("ps"), QStringLiteral("-a"),
                                                 QStringLiteral("--no-trunc")});
        if (!ps.failure.isEmpty())
            cli.fail(ps.failure);
        else if (ps.lines.size() - 1 != expected) // less the header row
            cli.fail(
                QStringLiteral("docker ps listed %1 of %2").arg(ps.lines.size() - 1).arg(expected));
        else
            cli.add(ps.ms);

        const CliRun start = runCli({}, {QStringLiteral("--version")});
        if (start.failure.isEmpty())
            cliStart.add(start.ms);
        else
            cliStart.fail(start.failure);
    }
    const double cliNet = cli.median() - cliStart.median();
    out() << QStringLiteral("listing %1 containers, %2 rounds:\n").arg(expected).arg(rounds);
    out() << "  console, negotiated client: " << msFigures(negotiated, 1) << '\n';
    out() << "  console, new connection and negotiation: " << msFigures(fresh, 1) << '\n';
    out() << "  docker ps -a --no-trunc: " << msFigures(cli, 1) << '\n';
    out() << "  docker --version (the CLI's own start, no daemon call): " << msFigures(cliStart, 1)
          << '\n';
    out() << QStringLiteral("  docker ps -a less the CLI's start: %1 ms; ratio to it: console "
                            "negotiated %2, new connection %3\n")
                 .arg(cliNet, 0, 'f', 1)
                 .arg(bench::ratio(negotiated.median(), cliNet), 0, 'f', 2)
                 .arg(bench::ratio(fresh.median(), cliNet), 0, 'f', 2);
    out() << QStringLiteral("  ratio to the whole docker ps -a: console negotiated %1, new "
                            "connection %2\n")
                 .arg(bench::ratio(negotiated.median(), cli.median()), 0, 'f', 2)
                 .arg(bench::ratio(fresh.median(), cli.median()), 0, 'f', 2);
    out().flush();
}

struct ProcessFigures
{
    bool alive = false;
    double rssMiB = 0;
    double peakMiB = 0; // VmHWM: the high-water mark since the process started
    double cpuSeconds = 0;
    int sockets = 0;
};

double statusMiB(const QByteArray& line, const char* key)
{
    return line.mid(qsizetype(qstrlen(key))).trimmed().split(' ').constFirst().toDouble() / 1024.0;
}

ProcessFigures processFigures(qint64 pid)
{
    ProcessFigures figures;
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return figures;
    figures.alive = true;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            figures.rssMiB = statusMiB(line, "VmRSS:");
        else if (line.startsWith("VmHWM:"))
            figures.peakMiB = statusMiB(line, "VmHWM:");
    }
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray text = stat.readAll();
        // Fields after the command name, which is in parentheses and may hold spaces.
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 12) {
            const double ticks = double(sysconf(_SC_CLK_TCK));
            figures.cpuSeconds = (fields.at(11).toDouble() + fields.at(12).toDouble()) / ticks;
        }
    }
    // Each stats stream holds a connection to the daemon: the count shows the streams are open.
    const QDir fds(QStringLiteral("/proc/%1/fd").arg(pid));
    for (const QString& fd :
         fds.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot)) {
        char target[64] = {};
        const QByteArray path = fds.filePath(fd).toLocal8Bit();
        if (::readlink(path.constData(), target, sizeof target - 1) > 0 &&
            qstrncmp(target, "socket:", 7) == 0)
            ++figures.sockets;
    }
    return figures;
}

void wait(int milliseconds)
{
    QEventLoop loop;
    QTimer::singleShot(milliseconds, &loop, &QEventLoop::quit);
    loop.exec();
}

// The console itself, headless, on a workspace whose one Docker target is the private daemon:
// resident memory at minute 2 and at the end (flat?), its peak (the bound), and CPU over the
// time after the first minute.
void streamingConsole(const QString& host, int streams, double minutes)
{
    QTemporaryDir workspace;
    QFile file(workspace.filePath(QStringLiteral("launchdeck.yaml")));
    if (!file.open(QIODevice::WriteOnly))
        return;
    file.write("version: 1\nname: bench\ntargets:\n  bench-docker:\n    type: docker\n    host: " +
               host.toUtf8() + "\n");
    file.close();
    QTemporaryDir home;
    QProcess console;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    console.setProcessEnvironment(environment);
    console.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    console.start(QStringLiteral(LAUNCHDECK_EXECUTABLE), {workspace.path()});
    if (!console.waitForStarted()) {
        out() << "  the console did not start\n";
        return;
    }
    const qint64 pid = console.processId();
    const int totalMs = int(minutes * 60'000);
    const int firstMinuteMs = std::min(60'000, totalMs / 5);
    wait(firstMinuteMs);
    const ProcessFigures afterWarmUp = processFigures(pid);
    QElapsedTimer timer;
    timer.start();
    const int minuteTwoMs = std::min(120'000, totalMs * 2 / 10);
    wait(minuteTwoMs - firstMinuteMs);
    const ProcessFigures atMinuteTwo = processFigures(pid);
    wait(totalMs - minuteTwoMs);
    const ProcessFigures atEnd = processFigures(pid);
    if (!afterWarmUp.alive || !atEnd.alive || console.state() != QProcess::Running) {
        out() << "  FAILED: the console ended during the run\n";
        return;
    }
    const double cpuPercent =
        100.0 * (atEnd.cpuSeconds - afterWarmUp.cpuSeconds) / (double(timer.elapsed()) / 1000.0);
    out() << QStringLiteral("  open sockets: %1 at %2 s, %3 at the end (%4 streams expected)%5\n")
                 .arg(atMinuteTwo.sockets)
                 .arg(minuteTwoMs / 1000)
                 .arg(atEnd.sockets)
                 .arg(streams)
                 .arg(atEnd.sockets < streams ? QStringLiteral(": NOT all streaming") : QString());
    out() << QStringLiteral("  RSS at %1 s: %2 MiB, at %3 s: %4 MiB (goal: flat); peak %5 MiB "
                            "(goal <= 150 MB)\n")
                 .arg(minuteTwoMs / 1000)
                 .arg(atMinuteTwo.rssMiB, 0, 'f', 1)
                 .arg(totalMs / 1000)
                 .arg(atEnd.rssMiB, 0, 'f', 1)
                 .arg(atEnd.peakMiB, 0, 'f', 1);
    out() << QStringLiteral("  console CPU after warm-up: %1 % of a core (goal <= 10 %)\n")
                 .arg(cpuPercent, 0, 'f', 1);
    console.terminate();
    if (!console.waitForFinished(10'000))
        console.kill();
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The console's Docker work against the docker CLI on a private dockerd."));
    parser.addHelpOption();
    const QCommandLineOption minutes(QStringLiteral("minutes"),
                                     QStringLiteral("Length of the streaming run (default 10)."),
                                     QStringLiteral("M"), QStringLiteral("10"));
    const QCommandLineOption skipStreaming(QStringLiteral("skip-streaming"),
                                           QStringLiteral("Leave out the 200-container run."));
    const QCommandLineOption sampleRounds(
        QStringLiteral("sample-rounds"),
        QStringLiteral("Rounds of the first-sample comparison (default 3)."), QStringLiteral("N"),
        QStringLiteral("3"));
    const QCommandLineOption listRounds(
        QStringLiteral("list-rounds"),
        QStringLiteral("Rounds of the listing comparison (default 10)."), QStringLiteral("N"),
        QStringLiteral("10"));
    parser.addOptions({minutes, skipStreaming, sampleRounds, listRounds});
    parser.process(app);

    test::DockerDaemon daemon;
    QString error;
    if (!daemon.start(&error)) {
        out() << "cannot start dockerd: " << error << '\n';
        return 1;
    }
    const DockerEndpoint endpoint = *DockerEndpoint::parse(daemon.host());
    out() << "Docker benchmark (private dockerd, " << QThread::idealThreadCount() << " cores)\n";
    out().flush();

    firstSamples(daemon, endpoint, std::max(1, parser.value(sampleRounds).toInt()));
    listing(daemon, endpoint, std::max(1, parser.value(listRounds).toInt()));
    removeAll(endpoint);

    if (!parser.isSet(skipStreaming)) {
        const int streaming = createContainers(endpoint, QStringLiteral("stream-"), 200, true);
        out() << QStringLiteral("%1 running containers streaming stats into the console for %2 "
                                "min:\n")
                     .arg(streaming)
                     .arg(parser.value(minutes));
        out().flush();
        streamingConsole(daemon.host(), streaming, parser.value(minutes).toDouble());
        removeAll(endpoint);
    }
    daemon.stop();
    return 0;
}
