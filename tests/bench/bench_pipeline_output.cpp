// Runner output throughput and memory: `seq N` under the runner against the same command with
// output to /dev/null, in ten separate processes (a process's allocator history can change the
// figure), each printed beside the pipe read by `cat` and by the least a reader can do (no log);
// then the step log's own work without a process, the fixed cost of a run and the peak resident
// memory over ten million lines. A round counts only when the run succeeded and every line `seq`
// printed reached the listener; the others are counted and shown. Prints figures only.
//
// Usage: bench_pipeline_output [processes] [rounds]
#include "benchruns.h"

#include "fakes/processmemory.h"
#include "pipeline/pipelineparser.h"
#include "pipeline/pipelinerunnerhost.h"
#include "pipeline/steplog.h"
#include "pipeline/streammemory.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

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
    double ms = 0;
    double cpuMs = 0; // the console's own CPU (all its threads) while the run lasted
    RunStatus status = RunStatus::Queued;
    qint64 lines = 0;    // the number of the step's last line that reached the listener
    bool gap = false;    // a chunk's lines did not follow on from the ones before
    QByteArray lastLine; // its text
};

rusage selfUsage()
{
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage;
}

// The console's own CPU so far, all its threads.
double cpuMs()
{
    const rusage usage = selfUsage();
    const auto ms = [](const timeval& t) {
        return t.tv_sec * 1e3 + t.tv_usec / 1e3;
    };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

long minorFaults()
{
    return selfUsage().ru_minflt;
}

bool isLine(const LogEntry& entry)
{
    return !entry.note() && !entry.continuation();
}

// Takes a batch chunk by chunk, as the Pipelines tab does, instead of line by line (which would
// put work on the listener's thread the console does not do): each chunk's first line must
// follow the last one before it, and a chunk of lines alone must hold every number between its
// first and last (a chunk with notes or cut lines is counted line by line).
void takeBatch(const LogBatch& batch, RunnerRound& round)
{
    for (const LogChunk& chunk : batch.chunks()) {
        const auto first = std::find_if(chunk.entries.cbegin(), chunk.entries.cend(), isLine);
        if (first == chunk.entries.cend())
            continue; // notes only
        const auto last = std::find_if(chunk.entries.crbegin(), chunk.entries.crend(), isLine);
        const qint64 span = chunk.number(*last) - chunk.number(*first) + 1;
        const qint64 held =
            span == chunk.entries.size()
                ? span
                : std::count_if(chunk.entries.cbegin(), chunk.entries.cend(), isLine);
        if (chunk.number(*first) != round.lines + 1 || held != span)
            round.gap = true;
        round.lines = chunk.number(*last);
        round.lastLine = chunk.view(*last).toByteArray();
    }
}

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
    const auto batches =
        QObject::connect(host.runner(), &PipelineRunner::linesAvailable, &loop,
                         [&round](const LogBatch& batch) { takeBatch(batch, round); });
    const auto done = QObject::connect(host.runner(), &PipelineRunner::runFinished, &loop,
                                       [&](const RunResult& result) {
                                           round.status = result.status;
                                           loop.quit();
                                       });
    QElapsedTimer clock;
    const double cpuBefore = cpuMs();
    clock.start();
    host.start(request);
    loop.exec();
    round.ms = clock.nsecsElapsed() / 1e6;
    round.cpuMs = cpuMs() - cpuBefore;
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
    else if (round.gap)
        runs.fail(QStringLiteral("lines reached the listener with a gap or out of order"));
    else if (round.lines != expected)
        runs.fail(
            QStringLiteral("%1 of %2 lines reached the listener").arg(round.lines).arg(expected));
    else if (expected > 0 && round.lastLine != QByteArray::number(expected))
        runs.fail(
            QStringLiteral("the last line was \"%1\"").arg(QString::fromUtf8(round.lastLine)));
    else
        runs.add(round.ms);
}

// Runs `script` with bash -eo pipefail into `runs`, counting a non-zero exit as a failure.
void runShell(const QString& script, Runs& runs)
{
    QElapsedTimer clock;
    clock.start();
    const int exitCode = QProcess::execute(
        QStringLiteral("bash"),
        {QStringLiteral("-eo"), QStringLiteral("pipefail"), QStringLiteral("-c"), script});
    const double elapsed = clock.nsecsElapsed() / 1e6;
    if (exitCode == 0)
        runs.add(elapsed);
    else
        runs.fail(QStringLiteral("`%1` exited %2").arg(script).arg(exitCode));
}

// The least any reader of a step's output can cost it: `script` run by bash with its output on a
// 1 MiB pipe (as the runner makes it), read in 1 MiB reads and thrown away, with a 200 us pause
// after each read while output flows so the writer seldom has a sleeping reader to wake. The
// output must be `expected` byte for byte in size and end as it does.
void runPacedReader(const QString& script, const QByteArray& expected, Runs& runs)
{
    QElapsedTimer clock;
    clock.start();
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        runs.fail(QStringLiteral("no pipe: %1").arg(QString::fromLocal8Bit(std::strerror(errno))));
        return;
    }
    ::fcntl(fds[1], F_SETPIPE_SZ, 1024 * 1024);
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    const QByteArray command = script.toUtf8();
    char bash[] = "bash";
    char dashC[] = "-c";
    char* argv[] = {bash, dashC, const_cast<char*>(command.constData()), nullptr};
    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, "bash", &actions, nullptr, argv, environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (spawned != 0) {
        ::close(fds[0]);
        runs.fail(QStringLiteral("bash did not start"));
        return;
    }
    static std::vector<char> buffer(1024 * 1024);
    qint64 size = 0;
    QByteArray tail;
    ssize_t got = 0;
    while ((got = ::read(fds[0], buffer.data(), buffer.size())) > 0) {
        size += got;
        const QByteArrayView read(buffer.data(), got);
        tail = QByteArray(tail + read.last(std::min<qsizetype>(read.size(), 64))).right(64);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    const double elapsed = clock.nsecsElapsed() / 1e6;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        runs.fail(QStringLiteral("`%1` did not exit 0").arg(script));
    else if (size != expected.size() || !expected.endsWith(tail))
        runs.fail(
            QStringLiteral("the paced reader read %1 of %2 bytes").arg(size).arg(expected.size()));
    else
        runs.add(elapsed);
}

constexpr qint64 kLines = 2'000'000;
constexpr char kProcessFlag[] = "--one-process";

// What `seq kLines` prints.
QByteArray seqOutput()
{
    QByteArray output;
    for (qint64 i = 1; i <= kLines; ++i) {
        output += QByteArray::number(i);
        output += '\n';
    }
    return output;
}

// One process's rounds, printed as one line of figures for the driver: the medians of /dev/null,
// the runner, the pipe alone (`seq | cat > /dev/null`), `seq | cat > file` and the paced reader,
// the runner rounds' page faults, and the failed rounds with why.
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
    Runs paced;
    Runs console;
    const QByteArray expected = seqOutput();
    long faults = 0;
    for (int i = 0; i < rounds; ++i) {
        runShell(seq + QStringLiteral(" > /dev/null"), bare);
        const long before = minorFaults();
        const RunnerRound round = runUnderRunner(host, seq, dir.path());
        faults += minorFaults() - before;
        addRound(runner, round, kLines);
        console.add(round.cpuMs);
        runShell(seq + QStringLiteral(" | cat > /dev/null"), pipe);
        // A new file each round: ext4 writes back a truncated file's dirty pages at once.
        runShell(seq + QStringLiteral(" | cat > ") +
                     dir.filePath(QStringLiteral("cat%1.log").arg(i)),
                 cat);
        runPacedReader(seq, expected, paced);
    }
    QStringList failures = warmUp.failures() + runner.failures() + bare.failures() +
                           pipe.failures() + cat.failures() + paced.failures();
    std::printf("%.2f %.2f %.2f %.2f %.2f %ld %d %.1f|%s\n", bare.median(), runner.median(),
                pipe.median(), cat.median(), paced.median(), faults / std::max(1, rounds),
                runner.succeeded(), console.median(),
                qPrintable(failures.join(QStringLiteral("; "))));
    return 0;
}

// The step log's own work for the output of `seq kLines` with no process: masking, the line
// index and the log file, fed in the 1 MiB pieces a busy pipe gives, batches taken as the runner
// takes them. Milliseconds per pass, over `rounds` passes.
Runs measureStepLog(int rounds)
{
    keepStreamMemoryForReuse();
    const QByteArray output = seqOutput();
    QTemporaryDir dir;
    Runs runs;
    constexpr qsizetype kPiece = 1024 * 1024;
    for (int round = 0; round < rounds; ++round) {
        QElapsedTimer clock;
        clock.start();
        StepLog log(QStringLiteral("r"), QStringLiteral("s"),
                    dir.filePath(QStringLiteral("step%1.log").arg(round)), nullptr);
        QString error;
        if (!log.open(&error)) {
            runs.fail(error);
            continue;
        }
        qint64 lines = 0;
        for (qsizetype at = 0; at < output.size(); at += kPiece) {
            log.feed(QByteArrayView(output).sliced(at, std::min(kPiece, output.size() - at)));
            if (log.pendingBytes() >= 4 * kPiece) {
                for (const LogChunk& chunk : log.takePending())
                    lines += chunk.entries.size();
            }
        }
        log.endStream();
        for (const LogChunk& chunk : log.takePending())
            lines += chunk.entries.size();
        const double ms = clock.nsecsElapsed() / 1e6;
        if (lines == kLines)
            runs.add(ms);
        else
            runs.fail(QStringLiteral("%1 of %2 lines indexed").arg(lines).arg(kLines));
    }
    return runs;
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
    std::printf("  %-8s %9s %16s %16s %18s %18s %13s %12s\n", "process", "/dev/null",
                "runner (ratio)", "pipe only", "seq | cat > file", "paced reader", "faults/round",
                "console CPU");
    Runs ratios;
    Runs pipeRatios;
    Runs pacedRatios;
    for (int p = 1; p <= processes; ++p) {
        QProcess child;
        child.start(QCoreApplication::applicationFilePath(),
                    {QLatin1String(kProcessFlag), QString::number(rounds)});
        child.waitForFinished(300'000);
        const QString line = QString::fromUtf8(child.readAllStandardOutput()).trimmed();
        const QStringList figures = line.section(u'|', 0, 0).split(u' ');
        const QString why = line.section(u'|', 1);
        if (child.exitCode() != 0 || figures.size() != 8 || figures.at(6).toInt() == 0) {
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
        const double paced = figures.at(4).toDouble();
        ratios.add(bench::ratio(runner, bare));
        pipeRatios.add(bench::ratio(pipe, bare));
        pacedRatios.add(bench::ratio(paced, bare));
        std::printf("  %-8d %6.1f ms %6.1f ms (%4.2f) %6.1f ms (%4.2f) %8.1f ms (%4.2f) %8.1f ms "
                    "(%4.2f) %13s %9s ms%s\n",
                    p, bare, runner, bench::ratio(runner, bare), pipe, bench::ratio(pipe, bare),
                    cat, bench::ratio(cat, bare), paced, bench::ratio(paced, bare),
                    qPrintable(figures.at(5)), qPrintable(figures.at(7)),
                    why.isEmpty() ? "" : qPrintable(u"  failed rounds: " + why));
    }
    std::printf("runner ratio over the processes: min %.2f, median %.2f, max %.2f (%s); the pipe "
                "alone: min %.2f, median %.2f, max %.2f; the paced reader: min %.2f, median %.2f, "
                "max %.2f\n",
                ratios.min(), ratios.median(), ratios.max(), qPrintable(ratios.count()),
                pipeRatios.min(), pipeRatios.median(), pipeRatios.max(), pacedRatios.min(),
                pacedRatios.median(), pacedRatios.max());

    const Runs stepLog = measureStepLog(10);
    std::printf(
        "the step log alone (masking, index, file) for the same %lld lines: median %.1f ms, "
        "min %.1f ms (%s)\n",
        static_cast<long long>(kLines), stepLog.median(), stepLog.min(),
        qPrintable(stepLog.count()));

    QTemporaryDir dir;
    RunnerOptions options;
    options.dataDir = dir.filePath(QStringLiteral("data"));
    options.useKeyring = false;
    PipelineRunnerHost host(options);
    // The fixed cost of a run (setup, process start, reaping the group), without output.
    Runs bareEmpty;
    Runs runnerEmpty;
    Runs pacedEmpty;
    for (int i = 0; i < rounds; ++i) {
        runPacedReader(QStringLiteral("true"), QByteArray(), pacedEmpty);
        runShell(QStringLiteral("true"), bareEmpty);
        addRound(runnerEmpty, runUnderRunner(host, QStringLiteral("true"), dir.path()), 0);
    }
    std::printf("true: /dev/null %.2f ms (%s), runner %.2f ms (%s), paced reader %.2f ms (%s), "
                "medians\n",
                bareEmpty.median(), qPrintable(bareEmpty.count()), runnerEmpty.median(),
                qPrintable(runnerEmpty.count()), pacedEmpty.median(),
                qPrintable(pacedEmpty.count()));

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
    std::printf("seq %lld: %.0f ms, %lld lines received (%s)\n", static_cast<long long>(kManyLines),
                many.ms, static_cast<long long>(many.lines),
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
