// Benchmark: the console's Docker work side by side with the docker CLI on one private dockerd —
// first stats sample of 50 running containers, listing 500 containers, and the console's memory
// and CPU while 200 containers stream their stats.
#include "docker/dockerclient.h"
#include "docker/dockerhost.h"

#include "fakes/dockerdaemon.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
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

namespace {

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

// Creates `count` busybox containers, started or not, with several clients in parallel as a
// busy host would see them appear; returns how many were made.
int createContainers(const DockerEndpoint& endpoint, const QString& prefix, int count, bool start)
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
                spec.cmd = {QStringLiteral("sleep"), QStringLiteral("86400")};
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

// Wall time of one docker CLI command in milliseconds, or -1 when it failed.
double timeCli(const QString& host, const QStringList& arguments)
{
    QProcess process;
    process.setProgram(QStandardPaths::findExecutable(QStringLiteral("docker")));
    process.setArguments(QStringList{QStringLiteral("-H"), host} + arguments);
    QElapsedTimer timer;
    timer.start();
    process.start();
    if (!process.waitForFinished(120'000) || process.exitCode() != 0)
        return -1;
    return double(timer.nsecsElapsed()) / 1e6;
}

// Milliseconds from DockerHost::start() until every one of `ids` has delivered a sample.
double firstSampleOfAll(const DockerEndpoint& endpoint, const QSet<QString>& ids)
{
    DockerHost host(QStringLiteral("bench"), endpoint);
    QSet<QString> waiting = ids;
    QEventLoop loop;
    QObject::connect(&host, &DockerHost::statsSampled, &loop,
                     [&](const QList<DockerStatsSample>& samples) {
                         for (const DockerStatsSample& sample : samples)
                             waiting.remove(sample.containerId);
                         if (waiting.isEmpty())
                             loop.quit();
                     });
    QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
    QElapsedTimer timer;
    timer.start();
    host.start();
    loop.exec();
    return waiting.isEmpty() ? double(timer.nsecsElapsed()) / 1e6 : -1;
}

struct ProcessFigures
{
    double rssMiB = 0;
    double cpuSeconds = 0;
};

ProcessFigures processFigures(qint64 pid)
{
    ProcessFigures figures;
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                figures.rssMiB = line.mid(6).trimmed().split(' ').constFirst().toDouble() / 1024.0;
        }
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
    return figures;
}

void wait(int milliseconds)
{
    QEventLoop loop;
    QTimer::singleShot(milliseconds, &loop, &QEventLoop::quit);
    loop.exec();
}

// The console itself, headless, on a workspace whose one Docker target is the private daemon;
// RSS at minute 2 and at the end, CPU over the time after the first minute.
void streamingConsole(const QString& host, double minutes)
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
    const double cpuPercent =
        100.0 * (atEnd.cpuSeconds - afterWarmUp.cpuSeconds) / (double(timer.elapsed()) / 1000.0);
    out() << QStringLiteral("  RSS at %1 s: %2 MiB, at %3 s: %4 MiB (goal: flat, <= 150 MB)\n")
                 .arg(minuteTwoMs / 1000)
                 .arg(atMinuteTwo.rssMiB, 0, 'f', 1)
                 .arg(totalMs / 1000)
                 .arg(atEnd.rssMiB, 0, 'f', 1);
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
    parser.addOption(minutes);
    parser.addOption(skipStreaming);
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

    // 1. Metrics opened -> first sample of 50 running containers.
    const int running = createContainers(endpoint, QStringLiteral("stats-"), 50, true);
    DockerClient client(endpoint);
    if (!client.negotiate()) {
        out() << "cannot negotiate with the private dockerd\n";
        return 1;
    }
    QSet<QString> ids;
    const Result<QList<DockerContainer>> runningNow = client.containers(false);
    for (const DockerContainer& container : runningNow.value())
        ids.insert(container.id);
    std::vector<double> console;
    std::vector<double> cli;
    for (int round = 0; round < 3; ++round) {
        console.push_back(firstSampleOfAll(endpoint, ids));
        cli.push_back(
            timeCli(daemon.host(), {QStringLiteral("stats"), QStringLiteral("--no-stream")}));
    }
    out() << QStringLiteral("first sample of %1 running containers (median of 3):\n").arg(running);
    out() << QStringLiteral("  console %1 ms, docker stats --no-stream %2 ms, ratio %3 "
                            "(goal: console <= 1200 ms)\n")
                 .arg(median(console), 0, 'f', 0)
                 .arg(median(cli), 0, 'f', 0)
                 .arg(median(console) / median(cli), 0, 'f', 2);
    out().flush();

    // 2. Listing 500 containers.
    createContainers(endpoint, QStringLiteral("list-"), 450, false);
    console.clear();
    cli.clear();
    qsizetype listed = 0;
    for (int round = 0; round < 10; ++round) {
        QElapsedTimer timer;
        timer.start();
        const Result<QList<DockerContainer>> all = client.containers(true);
        console.push_back(double(timer.nsecsElapsed()) / 1e6);
        listed = all ? all->size() : 0;
        cli.push_back(timeCli(daemon.host(), {QStringLiteral("ps"), QStringLiteral("-a"),
                                              QStringLiteral("--no-trunc")}));
    }
    out() << QStringLiteral("listing %1 containers (median of 10):\n").arg(listed);
    out() << QStringLiteral("  console client %1 ms, docker ps -a %2 ms, ratio %3\n")
                 .arg(median(console), 0, 'f', 1)
                 .arg(median(cli), 0, 'f', 1)
                 .arg(median(console) / median(cli), 0, 'f', 2);
    out().flush();
    removeAll(endpoint);

    // 3. 200 containers streaming into the console.
    if (!parser.isSet(skipStreaming)) {
        const int streaming = createContainers(endpoint, QStringLiteral("stream-"), 200, true);
        out() << QStringLiteral("%1 running containers streaming stats into the console for %2 "
                                "min:\n")
                     .arg(streaming)
                     .arg(parser.value(minutes));
        out().flush();
        streamingConsole(daemon.host(), parser.value(minutes).toDouble());
        removeAll(endpoint);
    }
    daemon.stop();
    return 0;
}
