// Runner output throughput and memory: `seq N` under the runner against the same command with
// output to /dev/null, and RSS before and after ten million lines. Prints figures only.
#include "pipeline/pipelineparser.h"
#include "pipeline/pipelinerunnerhost.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <cstdio>

using namespace launchdeck;

namespace {

qint64 rssKiB()
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : file.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

// Wall time of the run in ms, and how many lines listeners received.
std::pair<qint64, qint64> runUnderRunner(PipelineRunnerHost& host, const QString& command,
                                         const QString& workspace)
{
    Diagnostics out;
    RunRequest request;
    request.workspace = workspace;
    request.pipeline =
        parsePipeline(QStringLiteral("bench.yaml"),
                      QByteArray("steps:\n  - name: output\n    run: ") + command.toUtf8() + '\n',
                      out)
            .value();
    qint64 lines = 0;
    QEventLoop loop;
    const auto batches =
        QObject::connect(host.runner(), &PipelineRunner::linesAvailable, &loop,
                         [&](const LogBatch& batch) { lines += batch.lineCount(); });
    const auto done =
        QObject::connect(host.runner(), &PipelineRunner::runFinished, &loop, &QEventLoop::quit);
    QElapsedTimer clock;
    clock.start();
    host.start(request);
    loop.exec();
    const qint64 elapsed = clock.elapsed();
    QObject::disconnect(batches);
    QObject::disconnect(done);
    return {elapsed, lines};
}

qint64 runToDevNull(const QString& command)
{
    QElapsedTimer clock;
    clock.start();
    QProcess::execute(QStringLiteral("bash"),
                      {QStringLiteral("-eo"), QStringLiteral("pipefail"), QStringLiteral("-c"),
                       command + QStringLiteral(" > /dev/null")});
    return clock.elapsed();
}

// The least any runner that keeps the log must do: read the pipe and write a file.
qint64 runThroughCatToFile(const QString& command, const QString& file)
{
    QElapsedTimer clock;
    clock.start();
    QProcess::execute(QStringLiteral("bash"),
                      {QStringLiteral("-eo"), QStringLiteral("pipefail"), QStringLiteral("-c"),
                       command + QStringLiteral(" | cat > ") + file});
    return clock.elapsed();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    RunnerOptions options;
    options.dataDir = dir.filePath(QStringLiteral("data"));
    options.useKeyring = false;
    PipelineRunnerHost host(options);

    const QString twoMillion = QStringLiteral("seq 2000000");
    runToDevNull(twoMillion); // warm the page cache
    qint64 bare = 0;
    qint64 cat = 0;
    qint64 runner = 0;
    qint64 lines = 0;
    constexpr int kRounds = 3;
    for (int i = 0; i < kRounds; ++i) {
        bare += runToDevNull(twoMillion);
        const auto [elapsed, received] = runUnderRunner(host, twoMillion, dir.path());
        runner += elapsed;
        lines = received;
    }
    std::printf(
        "seq 2000000: /dev/null %.0f ms, runner %.0f ms (mean of %d), ratio %.2f (goal <= 1.2), "
        "%lld lines received\n",
        bare / double(kRounds), runner / double(kRounds), kRounds,
        double(runner) / double(std::max<qint64>(1, bare)), static_cast<long long>(lines));
    // New files each round, after the runner's rounds: ext4 writes back a truncated file's dirty
    // pages at once, which would slow whatever runs next.
    for (int i = 0; i < kRounds; ++i)
        cat += runThroughCatToFile(twoMillion, dir.filePath(QStringLiteral("cat%1.log").arg(i)));
    std::printf("seq 2000000 | cat > file: %.0f ms, ratio %.2f (the floor for a runner that keeps "
                "the log)\n",
                cat / double(kRounds), double(cat) / double(std::max<qint64>(1, bare)));

    // The fixed cost of a run (setup, process start, reaping the group), without output.
    qint64 bareEmpty = 0;
    qint64 runnerEmpty = 0;
    for (int i = 0; i < kRounds; ++i) {
        bareEmpty += runToDevNull(QStringLiteral("true"));
        runnerEmpty += runUnderRunner(host, QStringLiteral("true"), dir.path()).first;
    }
    std::printf("true: /dev/null %.1f ms, runner %.1f ms (mean of %d)\n",
                bareEmpty / double(kRounds), runnerEmpty / double(kRounds), kRounds);

    const qint64 before = rssKiB();
    const auto [elapsed, received] =
        runUnderRunner(host, QStringLiteral("seq 10000000"), dir.path());
    const qint64 after = rssKiB();
    std::printf("seq 10000000: %lld ms, %lld lines received, RSS before %lld KiB, after %lld KiB "
                "(goal: flat)\n",
                static_cast<long long>(elapsed), static_cast<long long>(received),
                static_cast<long long>(before), static_cast<long long>(after));
    return 0;
}
