// Benchmark: GUI event-loop lateness while the log view follows a step that prints millions of
// lines through the real runner, the console's memory, and whether the view ends on the newest
// lines with the last one in view. Prints figures; exits 1 when the end state is wrong.
#include "benchruns.h"
#include "loglistview.h"
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

using launchdeck::bench::percentile;
using launchdeck::bench::statusKiB;

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

    const qint64 rssBefore = statusKiB("VmRSS");
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
    // The model applies the last interval's lines on its own timer; the step's end is shown then.
    while (model.pendingLineCount() > 0)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    QApplication::processEvents();
    probe.stop();
    const qint64 rssAfter = statusKiB("VmRSS");
    const qint64 rssPeak = statusKiB("VmHWM");

    // What the view shows at the end: the ring's newest lines, which are the last lines of `seq`
    // and the step's and the run's closing notes after them, with the very last row in view.
    const int rows = model.rowCount();
    const qint64 total = model.lineCount() + model.evictedCount();
    int newestSeq = rows - 1;
    bool number = false;
    while (newestSeq >= 0 && (model.plainText(newestSeq).toLongLong(&number), !number))
        --newestSeq;
    const QString first = rows > 0 ? model.plainText(0) : QString();
    const QString newest = newestSeq >= 0 ? model.plainText(newestSeq) : QString();
    const QRect lastRect = rows > 0 ? view.listView()->visualRect(model.index(rows - 1)) : QRect();
    const bool lastInView = rows > 0 && view.listView()->viewport()->rect().contains(lastRect);
    const bool complete = rows == std::min<qint64>(total, model.capacity()) && total >= lines &&
                          newest == QString::number(lines) &&
                          first == QString::number(lines - newestSeq) && lastInView;

    auto report = [](const char* what, QList<double> values) {
        std::sort(values.begin(), values.end());
        std::printf("%-10s lateness  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%d samples)\n",
                    what, percentile(values, 0.50), percentile(values, 0.99),
                    values.isEmpty() ? 0.0 : values.last(), int(values.size()));
    };
    std::printf(
        "log view following %lld lines: run took %lld ms, model holds %lld lines (%lld evicted)\n",
        lines, elapsed, qint64(model.lineCount()), model.evictedCount());
    std::printf("shown: seq lines %s to %s and %d notes, the last row %s: %s\n", qPrintable(first),
                qPrintable(newest), rows - 1 - newestSeq, lastInView ? "in view" : "NOT in view",
                complete ? "complete" : "INCOMPLETE");
    report("idle", idle);
    report("following", following);
    std::printf("RSS %lld KiB before the run, %lld KiB after, peak %lld KiB\n", rssBefore, rssAfter,
                rssPeak);
    std::printf("goal: following p99 <= 50 ms\n");
    return complete ? 0 : 1;
}
