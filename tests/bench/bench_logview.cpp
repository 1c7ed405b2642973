// Benchmark: GUI event-loop lateness while the log view follows a step that prints millions of
// lines through the real runner, and the console's memory before and after. Prints figures.
#include "logmodel.h"
#include "logview.h"
#include "pipeline/pipelineparser.h"
#include "pipeline/pipelinerunnerhost.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace launchdeck;

namespace {

double percentile(const QList<double>& sorted, double share)
{
    if (sorted.isEmpty())
        return 0;
    return sorted[std::min<qsizetype>(sorted.size() - 1, qsizetype(share * double(sorted.size())))];
}

qint64 rssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    const qint64 lines = argc > 1 ? QByteArray(argv[1]).toLongLong() : 2'000'000;
    QTemporaryDir data;

    LogModel model;
    LogView view(&model);
    view.resize(1200, 800);
    view.show();
    view.setFollowing(true);

    RunnerOptions options;
    options.dataDir = data.path();
    options.useKeyring = false;
    PipelineRunnerHost host(options);
    QObject::connect(host.runner(), &PipelineRunner::runStarted, &app,
                     [&](const RunInfo& run) { model.setRunId(run.runId); });
    QObject::connect(host.runner(), &PipelineRunner::linesAvailable, &app,
                     [&](const LogBatch& batch) { model.enqueue(batch); });
    bool finished = false;
    QObject::connect(host.runner(), &PipelineRunner::runFinished, &app,
                     [&](const RunResult&) { finished = true; });

    Diagnostics problems;
    const auto pipeline =
        parsePipeline(data.filePath(QStringLiteral("pipelines/flood.yaml")),
                      QStringLiteral("name: flood\nsteps:\n  - {name: flood, run: 'seq %1'}\n")
                          .arg(lines)
                          .toUtf8(),
                      problems);
    if (!pipeline)
        return 2;

    QList<double> idle;
    QList<double> following;
    QList<double>* samples = &idle;
    QElapsedTimer clock;
    qint64 last = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    QObject::connect(&probe, &QTimer::timeout, &app, [&] {
        const qint64 now = clock.nsecsElapsed();
        samples->append(std::max(0.0, double(now - last) / 1e6 - 1.0));
        last = now;
    });
    clock.start();
    probe.start(1);
    QElapsedTimer idleWait;
    idleWait.start();
    while (idleWait.elapsed() < 1000)
        QApplication::processEvents(QEventLoop::AllEvents, 50);

    const qint64 rssBefore = rssKiB();
    samples = &following;
    RunRequest request;
    request.pipeline = *pipeline;
    request.workspace = data.path();
    QElapsedTimer wall;
    wall.start();
    host.start(request);
    while (!finished)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    const qint64 elapsed = wall.elapsed();
    probe.stop();
    const qint64 rssAfter = rssKiB();

    auto report = [](const char* what, QList<double> values) {
        std::sort(values.begin(), values.end());
        std::printf("%-10s lateness  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%d samples)\n",
                    what, percentile(values, 0.50), percentile(values, 0.99),
                    values.isEmpty() ? 0.0 : values.last(), int(values.size()));
    };
    std::printf(
        "log view following %lld lines: run took %lld ms, model holds %lld lines (%lld evicted)\n",
        lines, elapsed, qint64(model.lineCount()), model.evictedCount());
    report("idle", idle);
    report("following", following);
    std::printf("RSS %lld KiB before the run, %lld KiB after\n", rssBefore, rssAfter);
    std::printf("goal: following p99 <= 50 ms\n");
    return 0;
}
