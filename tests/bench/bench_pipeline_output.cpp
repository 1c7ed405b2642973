// Runner output throughput and memory: `seq N` under the runner against the same command with
// output to /dev/null, and the peak resident memory over ten million lines. A round counts only
// when the run succeeded and every line `seq` printed reached the listener; the others are
// counted and shown. Prints figures only.
#include "benchruns.h"

#include "fakes/processmemory.h"
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
using bench::Runs;

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

struct RunnerRound
{
    qint64 ms = 0;
    RunStatus status = RunStatus::Queued;
    qint64 lines = 0;    // the step's own lines that reached the listener, notes left out
    QByteArray lastLine; // the last of them
};

RunnerRound runUnderRunner(PipelineRunnerHost& host, const QString& command,
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
    RunnerRound round;
    QEventLoop loop;
    const auto batches = QObject::connect(
        host.runner(), &PipelineRunner::linesAvailable, &loop, [&](const LogBatch& batch) {
            const LogChunk* lastChunk = nullptr;
            const LogEntry* lastEntry = nullptr;
            for (const LogChunk& chunk : batch.chunks()) {
                for (const LogEntry& entry : chunk.entries) {
                    if (entry.note() || entry.continuation())
                        continue;
                    ++round.lines;
                    lastChunk = &chunk;
                    lastEntry = &entry;
                }
            }
            if (lastEntry)
                round.lastLine = lastChunk->view(*lastEntry).toByteArray();
        });
    const auto done = QObject::connect(host.runner(), &PipelineRunner::runFinished, &loop,
                                       [&](const RunResult& result) {
                                           round.status = result.status;
                                           loop.quit();
                                       });
    QElapsedTimer clock;
    clock.start();
    host.start(request);
    loop.exec();
    round.ms = clock.elapsed();
    QObject::disconnect(batches);
    QObject::disconnect(done);
    return round;
}

// Adds the round to `runs` when the run succeeded and `expected` lines, 1 to `expected` as seq
// prints them, all reached the listener; else counts it as failed with what was missing.
void addRound(Runs& runs, const RunnerRound& round, qint64 expected)
{
    if (round.status != RunStatus::Succeeded)
        runs.fail(QStringLiteral("the run ended %1").arg(runStatusName(round.status)));
    else if (round.lines != expected)
        runs.fail(
            QStringLiteral("%1 of %2 lines reached the listener").arg(round.lines).arg(expected));
    else if (expected > 0 && round.lastLine != QByteArray::number(expected))
        runs.fail(
            QStringLiteral("the last line was \"%1\"").arg(QString::fromUtf8(round.lastLine)));
    else
        runs.add(double(round.ms));
}

// Runs `script` with bash -eo pipefail into `runs`, counting a non-zero exit as a failure.
void runShell(const QString& script, Runs& runs)
{
    QElapsedTimer clock;
    clock.start();
    const int exitCode = QProcess::execute(
        QStringLiteral("bash"),
        {QStringLiteral("-eo"), QStringLiteral("pipefail"), QStringLiteral("-c"), script});
    const qint64 elapsed = clock.elapsed();
    if (exitCode == 0)
        runs.add(double(elapsed));
    else
        runs.fail(QStringLiteral("`%1` exited %2").arg(script).arg(exitCode));
}

void report(const char* what, const Runs& runs, double reference)
{
    std::printf("  %-38s %6.0f ms (ratio %.2f; %s)\n", what, runs.median(),
                bench::ratio(runs.median(), reference), qPrintable(runs.count()));
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int rounds = argc > 1 ? std::max(1, QString::fromLocal8Bit(argv[1]).toInt()) : 5;
    QTemporaryDir dir;
    RunnerOptions options;
    options.dataDir = dir.filePath(QStringLiteral("data"));
    options.useKeyring = false;
    PipelineRunnerHost host(options);

    constexpr qint64 kLines = 2'000'000;
    const QString seq = QStringLiteral("seq %1").arg(kLines);
    Runs warmUp;
    runShell(seq + QStringLiteral(" > /dev/null"), warmUp); // warm the page cache
    // The first run of a runner pays one-time set-up (its thread's heap, the first run folder):
    // one round is run first and not counted, like the page-cache warm-up above.
    addRound(warmUp, runUnderRunner(host, seq, dir.path()), kLines);
    if (warmUp.failed() > 0)
        std::printf("warm-up: %s\n", qPrintable(warmUp.count()));
    Runs bare;
    Runs runner;
    for (int i = 0; i < rounds; ++i) {
        runShell(seq + QStringLiteral(" > /dev/null"), bare);
        const RunnerRound round = runUnderRunner(host, seq, dir.path());
        addRound(runner, round, kLines);
        std::printf("  round %d: /dev/null %.0f ms, runner %lld ms, %lld lines received\n", i + 1,
                    bare.values().empty() ? 0.0 : bare.values().back(),
                    static_cast<long long>(round.ms), static_cast<long long>(round.lines));
    }
    // New files each round, after the runner's rounds: ext4 writes back a truncated file's dirty
    // pages at once, which would slow whatever runs next.
    Runs toFile;
    Runs cat;
    for (int i = 0; i < rounds; ++i) {
        runShell(seq + QStringLiteral(" > ") + dir.filePath(QStringLiteral("direct%1.log").arg(i)),
                 toFile);
        runShell(seq + QStringLiteral(" | cat > ") +
                     dir.filePath(QStringLiteral("cat%1.log").arg(i)),
                 cat);
    }
    const double bareMedian = bare.median();
    std::printf("seq %lld, medians (goal: runner ratio <= 1.2):\n", static_cast<long long>(kLines));
    report("/dev/null", bare, bareMedian);
    report("runner, every line received", runner, bareMedian);
    report("seq > file (any kept log is written)", toFile, bareMedian);
    report("seq | cat > file (through a pipe)", cat, bareMedian);

    // The fixed cost of a run (setup, process start, reaping the group), without output.
    Runs bareEmpty;
    Runs runnerEmpty;
    for (int i = 0; i < rounds; ++i) {
        runShell(QStringLiteral("true"), bareEmpty);
        addRound(runnerEmpty, runUnderRunner(host, QStringLiteral("true"), dir.path()), 0);
    }
    std::printf("true: /dev/null %.1f ms (%s), runner %.1f ms (%s), medians\n", bareEmpty.median(),
                qPrintable(bareEmpty.count()), runnerEmpty.median(),
                qPrintable(runnerEmpty.count()));

    // The peak, not the resident size at the end: a run may grow and give memory back before it
    // ends. The high-water mark starts again from the current size when the kernel allows it.
    constexpr qint64 kManyLines = 10'000'000;
    test::resetPeakResident();
    const qint64 before = rssKiB();
    const qint64 peakBefore = test::peakResidentKiB();
    const RunnerRound many =
        runUnderRunner(host, QStringLiteral("seq %1").arg(kManyLines), dir.path());
    const qint64 peak = test::peakResidentKiB();
    const qint64 after = rssKiB();
    Runs manyRun;
    addRound(manyRun, many, kManyLines);
    std::printf("seq %lld: %lld ms, %lld lines received (%s)\n", static_cast<long long>(kManyLines),
                static_cast<long long>(many.ms), static_cast<long long>(many.lines),
                manyRun.failed() > 0 ? qPrintable(u"FAILED: " + manyRun.failures().first())
                                     : "all of them");
    std::printf("  RSS before %lld KiB, peak during the run %lld KiB (+%lld KiB), after %lld KiB "
                "(goal: flat)%s\n",
                static_cast<long long>(before), static_cast<long long>(peak),
                static_cast<long long>(peak - before), static_cast<long long>(after),
                peakBefore > before + 1024 ? "; the peak could not be reset: it is the process's "
                                             "since it started"
                                           : "");
    return 0;
}
