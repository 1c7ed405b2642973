// Runner output throughput and memory: `seq N` under the runner against the same command with
// output to /dev/null, in ten separate processes (a process's allocator history can change the
// figure), each printed; then the fixed cost of a run and the peak resident memory over ten
// million lines. A round counts only when the run succeeded and every line `seq` printed reached
// the listener; the others are counted and shown. Prints figures only.
// Usage: bench_pipeline_output [processes] [rounds]
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
#include <sys/resource.h>

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

long minorFaults()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

constexpr qint64 kLines = 2'000'000;
constexpr char kProcessFlag[] = "--one-process";

// One process's rounds, printed as one line of figures for the driver: the medians of /dev/null,
// the runner, the pipe alone (`seq | cat > /dev/null`) and `seq | cat > file`, the runner
// rounds' page faults, and the failed rounds with why.
int measureOneProcess(int rounds)
{
    QTemporaryDir dir;
    RunnerOptions options;
    options.dataDir = dir.filePath(QStringLiteral("data"));
    options.useKeyring = false;
    PipelineRunnerHost host(options);
    const QString seq = QStringLiteral("seq %1").arg(kLines);
    Runs warmUp;
    runShell(seq + QStringLiteral(" > /dev/null"), warmUp); // warm the page cache
    // The first run of a runner pays one-time set-up (its thread's heap, the first run folder):
    // one round is run first and not counted, like the page-cache warm-up above.
    addRound(warmUp, runUnderRunner(host, seq, dir.path()), kLines);
    Runs bare;
    Runs runner;
    Runs pipe;
    Runs cat;
    long faults = 0;
    for (int i = 0; i < rounds; ++i) {
        runShell(seq + QStringLiteral(" > /dev/null"), bare);
        const long before = minorFaults();
        addRound(runner, runUnderRunner(host, seq, dir.path()), kLines);
        faults += minorFaults() - before;
        runShell(seq + QStringLiteral(" | cat > /dev/null"), pipe);
        // A new file each round: ext4 writes back a truncated file's dirty pages at once.
        runShell(seq + QStringLiteral(" | cat > ") +
                     dir.filePath(QStringLiteral("cat%1.log").arg(i)),
                 cat);
    }
    QStringList failures =
        warmUp.failures() + runner.failures() + bare.failures() + pipe.failures() + cat.failures();
    std::printf("%.1f %.1f %.1f %.1f %ld %d|%s\n", bare.median(), runner.median(), pipe.median(),
                cat.median(), faults / std::max(1, rounds), runner.succeeded(),
                qPrintable(failures.join(QStringLiteral("; "))));
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() > 2 && arguments.at(1) == QLatin1String(kProcessFlag))
        return measureOneProcess(std::max(1, arguments.at(2).toInt()));
    const int processes = argc > 1 ? std::max(1, arguments.at(1).toInt()) : 10;
    const int rounds = argc > 2 ? std::max(1, arguments.at(2).toInt()) : 5;

    std::printf("seq %lld through the runner, %d processes of %d rounds each, medians of each "
                "process (goal: runner ratio <= 1.2 in every process)\n",
                static_cast<long long>(kLines), processes, rounds);
    std::printf("  %-8s %9s %16s %16s %18s %14s\n", "process", "/dev/null", "runner (ratio)",
                "pipe only", "seq | cat > file", "faults/round");
    Runs ratios;
    Runs pipeRatios;
    for (int p = 1; p <= processes; ++p) {
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(),
                    {QLatin1String(kProcessFlag), QString::number(rounds)});
        child.waitForFinished(300'000);
        const QString line = QString::fromUtf8(child.readAllStandardOutput()).trimmed();
        const QStringList figures = line.section(u'|', 0, 0).split(u' ');
        const QString why = line.section(u'|', 1);
        if (child.exitCode() != 0 || figures.size() != 6 || figures.at(5).toInt() == 0) {
            const QString failure = QStringLiteral("process %1 measured nothing: %2")
                                        .arg(p)
                                        .arg(why.isEmpty() ? line : why);
            ratios.fail(failure);
            std::printf("  %-8d FAILED: %s\n", p, qPrintable(failure));
            continue;
        }
        const double bare = figures.at(0).toDouble();
        const double runner = figures.at(1).toDouble();
        const double pipe = figures.at(2).toDouble();
        const double cat = figures.at(3).toDouble();
        ratios.add(bench::ratio(runner, bare));
        pipeRatios.add(bench::ratio(pipe, bare));
        std::printf("  %-8d %6.0f ms %6.0f ms (%4.2f) %6.0f ms (%4.2f) %8.0f ms (%4.2f) %14s%s\n",
                    p, bare, runner, bench::ratio(runner, bare), pipe, bench::ratio(pipe, bare),
                    cat, bench::ratio(cat, bare), qPrintable(figures.at(4)),
                    why.isEmpty() ? "" : qPrintable(u"  failed rounds: " + why));
    }
    std::printf("runner ratio over the processes: min %.2f, median %.2f, max %.2f (%s); the pipe "
                "alone: min %.2f, median %.2f, max %.2f\n",
                ratios.min(), ratios.median(), ratios.max(), qPrintable(ratios.count()),
                pipeRatios.min(), pipeRatios.median(), pipeRatios.max());

    QTemporaryDir dir;
    RunnerOptions options;
    options.dataDir = dir.filePath(QStringLiteral("data"));
    options.useKeyring = false;
    PipelineRunnerHost host(options);
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
