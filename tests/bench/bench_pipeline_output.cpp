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

#include <algorithm>
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

double median(QList<qint64> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0.0 : double(values[values.size() / 2]);
}

// Runs `command` with its output to /dev/null, unless it redirects the output itself.
qint64 runToDevNull(const QString& command)
{
    QElapsedTimer clock;
    clock.start();
    QProcess::execute(
        QStringLiteral("bash"),
        {QStringLiteral("-eo"), QStringLiteral("pipefail"), QStringLiteral("-c"),
         command.contains(u'>') ? command : command + QStringLiteral(" > /dev/null")});
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
    // The first run of a runner pays one-time set-up (its thread's heap, the first run folder):
    // one round is run first and not counted, like the page-cache warm-up above.
    runUnderRunner(host, twoMillion, dir.path());
    constexpr int kRounds = 5;
    QList<qint64> bare;
    QList<qint64> toFile;
    QList<qint64> cat;
    QList<qint64> runner;
    qint64 lines = 0;
    for (int i = 0; i < kRounds; ++i) {
        bare.append(runToDevNull(twoMillion));
        const auto [elapsed, received] = runUnderRunner(host, twoMillion, dir.path());
        runner.append(elapsed);
        lines = received;
        std::printf("  round %d: /dev/null %lld ms, runner %lld ms\n", i + 1,
                    static_cast<long long>(bare.last()), static_cast<long long>(elapsed));
    }
    // New files each round, after the runner's rounds: ext4 writes back a truncated file's dirty
    // pages at once, which would slow whatever runs next.
    for (int i = 0; i < kRounds; ++i) {
        toFile.append(runToDevNull(twoMillion + QStringLiteral(" > ") +
                                   dir.filePath(QStringLiteral("direct%1.log").arg(i))));
        cat.append(
            runThroughCatToFile(twoMillion, dir.filePath(QStringLiteral("cat%1.log").arg(i))));
    }
    const double bareMedian = median(bare);
    std::printf("seq 2000000 (median of %d): /dev/null %.0f ms, runner %.0f ms, ratio %.2f "
                "(goal <= 1.2), %lld lines received\n",
                kRounds, bareMedian, median(runner), median(runner) / bareMedian,
                static_cast<long long>(lines));
    std::printf("  references: seq > file %.0f ms (ratio %.2f: any runner that keeps the log "
                "writes it), seq | cat > file %.0f ms (ratio %.2f: the same through a pipe)\n",
                median(toFile), median(toFile) / bareMedian, median(cat), median(cat) / bareMedian);

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
