// The runner against real processes: ordering, parallelism, retries, timeouts, cancel (nothing
// left running), secrets masked everywhere, and a 100 MB line in bounded memory.
#include "fakes/processmemory.h"
#include "pipeline/pipelineparser.h"
#include "pipeline/pipelinerunnerhost.h"
#include "pipeline/processtree.h"
#include "pipeline/steplog.h"
#include "store/historystore.h"
#include "store/pipelinerecorder.h"

#include <QDirIterator>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <unistd.h>

using namespace launchdeck;

namespace {

struct Outcome
{
    RunInfo info;
    QList<StepEvent> started;
    QList<StepEvent> finished;
    QList<LogLine> lines;
    std::optional<RunResult> result;

    StepEvent step(const QString& name) const
    {
        for (const StepEvent& e : finished) {
            if (e.step == name)
                return e;
        }
        return {};
    }
    StepEvent start(const QString& name) const
    {
        for (const StepEvent& e : started) {
            if (e.step == name)
                return e;
        }
        return {};
    }
    QString text() const
    {
        QStringList all;
        for (const LogLine& line : lines)
            all.append(line.text);
        return all.join(u'\n');
    }
};

QList<qint64> processesOfRun(const QString& runId)
{
    return processtree::processesWithEnvironment(QByteArray("LAUNCHDECK_RUN_ID=") + runId.toUtf8());
}

} // namespace

class TestPipelineRunner : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    RunnerOptions options() const
    {
        RunnerOptions o;
        o.dataDir = m_dir.filePath(QStringLiteral("data"));
        o.killGrace = std::chrono::milliseconds(700);
        o.useKeyring = false;
        o.maxParallel = 4;
        return o;
    }

    Pipeline parse(const QByteArray& yaml)
    {
        Diagnostics out;
        auto pipeline =
            parsePipeline(m_dir.filePath(QStringLiteral("pipelines/test.yaml")), yaml, out);
        for (const Diagnostic& d : out)
            qWarning().noquote() << formatDiagnostic(d);
        return pipeline.value_or(Pipeline{});
    }

    // Runs to the end; `during` may act on the run once its first step started.
    Outcome run(PipelineRunnerHost& host, const QByteArray& yaml, int timeoutMs = 30'000,
                const std::function<void(const QString&)>& during = {})
    {
        Outcome outcome;
        QEventLoop loop;
        PipelineRunner* runner = host.runner();
        bool acted = false;
        QString id;
        QList<QMetaObject::Connection> connections;
        connections << connect(runner, &PipelineRunner::runStarted, this,
                               [&](const RunInfo& i) { outcome.info = i; });
        connections << connect(runner, &PipelineRunner::stepStarted, this,
                               [&](const StepEvent& e) { outcome.started.append(e); });
        connections << connect(runner, &PipelineRunner::stepFinished, this,
                               [&](const StepEvent& e) { outcome.finished.append(e); });
        connections << connect(runner, &PipelineRunner::linesAvailable, this,
                               [&](const LogBatch& b) {
                                   for (const LogLine& line : b) {
                                       // Long pieces are kept short here: the test must not hold a
                                       // 100 MB line itself.
                                       LogLine kept = line;
                                       kept.text.truncate(256);
                                       outcome.lines.append(kept);
                                       if (during && !acted && line.text == u"ready") {
                                           acted = true;
                                           during(id);
                                       }
                                   }
                               });
        connections << connect(runner, &PipelineRunner::runFinished, this, [&](const RunResult& r) {
            outcome.result = r;
            loop.quit();
        });
        RunRequest request;
        request.pipeline = parse(yaml);
        request.workspace = m_dir.path();
        id = host.start(request);
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
        for (const auto& c : std::as_const(connections))
            disconnect(c);
        return outcome;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<RunInfo>();
        qRegisterMetaType<StepEvent>();
        qRegisterMetaType<LogBatch>();
        qRegisterMetaType<RunResult>();
        QVERIFY(m_dir.isValid());
    }

    void successFailureAndContinueOnError()
    {
        PipelineRunnerHost host(options());
        // Plain literals: moc misreads backslashes inside raw strings.
        const Outcome ok = run(
            host, "steps:\n"
                  "  - {name: a, run: 'echo \"hello $GREETING\"', env: {GREETING: world}}\n"
                  "  - {name: b, run: 'exit 3', continue_on_error: true}\n"
                  "  - {name: c, needs: [a, b], run: 'printf \"\\033[32mgreen\\033[0m\\n\"'}\n");
        QVERIFY(ok.result);
        QCOMPARE(ok.result->status, RunStatus::Succeeded);
        QCOMPARE(ok.step(QStringLiteral("b")).status, RunStatus::Failed);
        QCOMPARE(ok.step(QStringLiteral("b")).exitCode, 3);
        QCOMPARE(ok.step(QStringLiteral("c")).status, RunStatus::Succeeded);
        QVERIFY(ok.text().contains(QStringLiteral("hello world")));
        QVERIFY(ok.text().contains(QStringLiteral("\x1b[32mgreen\x1b[0m")));
        QVERIFY(QFile::exists(ok.info.runDir + QStringLiteral("/a.log")));

        const Outcome failed = run(host, R"(steps:
  - {name: d, run: 'echo failing; exit 2'}
  - {name: e, needs: [d], run: 'echo never'}
  - {name: on-fail, needs: [e], when: on_failure, run: 'echo cleaning'}
  - {name: always, when: always, run: 'echo always'}
)");
        QVERIFY(failed.result);
        QCOMPARE(failed.result->status, RunStatus::Failed);
        QCOMPARE(failed.step(QStringLiteral("d")).exitCode, 2);
        QCOMPARE(failed.step(QStringLiteral("e")).status, RunStatus::Skipped);
        QCOMPARE(failed.step(QStringLiteral("on-fail")).status, RunStatus::Succeeded);
        QCOMPARE(failed.step(QStringLiteral("always")).status, RunStatus::Succeeded);
        QVERIFY(!failed.text().contains(QStringLiteral("never")));
    }

    void retryUntilSuccess()
    {
        PipelineRunnerHost host(options());
        const QString counter = m_dir.filePath(QStringLiteral("counter"));
        const Outcome o = run(host, QStringLiteral(R"(steps:
  - name: flaky
    retry_count: 3
    retry_backoff: 100ms
    env: {COUNTER: "%1"}
    run: |
      n=$(cat "$COUNTER" 2>/dev/null || echo 0)
      n=$((n + 1))
      echo "$n" > "$COUNTER"
      echo "attempt $n"
      [ "$n" -ge 3 ]
)")
                                        .arg(counter)
                                        .toUtf8());
        QVERIFY(o.result);
        QCOMPARE(o.result->status, RunStatus::Succeeded);
        QCOMPARE(o.step(QStringLiteral("flaky")).attempt, 3);
        QCOMPARE(o.started.size(), 3);
        QVERIFY(o.text().contains(QStringLiteral("attempt 3")));
    }

    void parallelAndNeedsOrdering()
    {
        PipelineRunnerHost host(options());
        const Outcome o = run(host, R"(steps:
  - {name: a, run: 'sleep 1'}
  - {name: b, needs: [], run: 'sleep 1'}
  - {name: c, needs: [a], run: 'echo after a'}
)");
        QVERIFY(o.result);
        QCOMPARE(o.result->status, RunStatus::Succeeded);
        const StepEvent a = o.step(QStringLiteral("a"));
        const StepEvent b = o.step(QStringLiteral("b"));
        const StepEvent c = o.step(QStringLiteral("c"));
        // Overlap: each started before the other ended.
        QVERIFY(a.startedAt < b.finishedAt);
        QVERIFY(b.startedAt < a.finishedAt);
        QVERIFY(o.start(QStringLiteral("c")).startedAt >= a.finishedAt);
        QVERIFY(c.startedAt >= a.finishedAt);
    }

    void listedStepsRunInOrder()
    {
        PipelineRunnerHost host(options());
        const Outcome o = run(host, R"(steps:
  - {name: build, run: 'sleep 0.3; echo built'}
  - {name: test, run: 'sleep 0.3; echo tested'}
  - {name: deploy, run: 'echo deployed'}
)");
        QVERIFY(o.result);
        QCOMPARE(o.result->status, RunStatus::Succeeded);
        QCOMPARE(o.started.size(), 3);
        QCOMPARE(o.started[0].step, QStringLiteral("build"));
        QCOMPARE(o.started[1].step, QStringLiteral("test"));
        QCOMPARE(o.started[2].step, QStringLiteral("deploy"));
        QVERIFY(o.start(QStringLiteral("test")).startedAt >=
                o.step(QStringLiteral("build")).finishedAt);
        QVERIFY(o.start(QStringLiteral("deploy")).startedAt >=
                o.step(QStringLiteral("test")).finishedAt);
    }

    void listedStepsStopAtAFailure()
    {
        PipelineRunnerHost host(options());
        const Outcome o = run(host, R"(steps:
  - {name: slow, timeout: 300ms, run: 'sleep 30'}
  - {name: after-timeout, run: 'echo never'}
  - {name: cleanup, when: always, run: 'echo cleaned'}
)");
        QVERIFY(o.result);
        QCOMPARE(o.result->status, RunStatus::Failed);
        QCOMPARE(o.step(QStringLiteral("slow")).status, RunStatus::TimedOut);
        QCOMPARE(o.step(QStringLiteral("after-timeout")).status, RunStatus::Skipped);
        QCOMPARE(o.step(QStringLiteral("cleanup")).status, RunStatus::Succeeded);
        QVERIFY(!o.text().contains(QStringLiteral("never")));

        const Outcome tolerated = run(host, R"(steps:
  - {name: lint, continue_on_error: true, run: 'exit 1'}
  - {name: build, run: 'echo built'}
)");
        QVERIFY(tolerated.result);
        QCOMPARE(tolerated.result->status, RunStatus::Succeeded);
        QCOMPARE(tolerated.step(QStringLiteral("build")).status, RunStatus::Succeeded);
    }

    void emptyNeedsAndStagesRunSideBySide()
    {
        PipelineRunnerHost host(options());
        const Outcome o = run(host, R"(stages: [checks, ship]
steps:
  - {name: unit, stage: checks, run: 'sleep 1'}
  - {name: lint, stage: checks, run: 'sleep 1'}
  - {name: docs, needs: [], run: 'sleep 1'}
  - {name: publish, stage: ship, run: 'echo published'}
)");
        QVERIFY(o.result);
        QCOMPARE(o.result->status, RunStatus::Succeeded);
        const StepEvent unit = o.step(QStringLiteral("unit"));
        const StepEvent lint = o.step(QStringLiteral("lint"));
        const StepEvent docs = o.step(QStringLiteral("docs"));
        // One stage's steps, and a step with needs: [], overlap.
        QVERIFY(unit.startedAt < lint.finishedAt && lint.startedAt < unit.finishedAt);
        QVERIFY(docs.startedAt < unit.finishedAt && unit.startedAt < docs.finishedAt);
        const QDateTime shipped = o.start(QStringLiteral("publish")).startedAt;
        QVERIFY(shipped >= unit.finishedAt && shipped >= lint.finishedAt);
    }

    void listedOrderGivesWayToNeeds()
    {
        // Written before the step it needs: the one below does not wait for it (no cycle), and
        // waits for the step above instead.
        PipelineRunnerHost host(options());
        const Outcome o = run(host, R"(steps:
  - {name: fetch, run: 'sleep 0.2'}
  - {name: deploy, needs: [build], run: 'echo deploying'}
  - {name: build, run: 'sleep 0.2'}
)");
        QVERIFY(o.result);
        QCOMPARE(o.result->status, RunStatus::Succeeded);
        QVERIFY(o.start(QStringLiteral("build")).startedAt >=
                o.step(QStringLiteral("fetch")).finishedAt);
        QVERIFY(o.start(QStringLiteral("deploy")).startedAt >=
                o.step(QStringLiteral("build")).finishedAt);
    }

    void runTimeValuesWinOverTheFile()
    {
        PipelineRunnerHost host(options());
        RunRequest request;
        request.pipeline = parse(R"(env: {LEVEL: pipeline, KEPT: pipeline}
steps:
  - {name: show, env: {LEVEL: step}, run: 'echo "level=$LEVEL kept=$KEPT"'}
)");
        request.workspace = m_dir.path();
        request.envOverrides = {{QStringLiteral("LEVEL"), QStringLiteral("cli")}};
        QStringList lines;
        connect(host.runner(), &PipelineRunner::linesAvailable, this, [&](const LogBatch& batch) {
            for (const LogLine& line : batch)
                lines.append(line.text);
        });
        QSignalSpy finished(host.runner(), &PipelineRunner::runFinished);
        host.start(request);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30'000);
        QVERIFY2(lines.contains(QStringLiteral("level=cli kept=pipeline")),
                 qPrintable(lines.join(u'\n')));
    }

    void notesAreToldFromOutput()
    {
        PipelineRunnerHost host(options());
        const Outcome o = run(host, R"(steps:
  - {name: count, run: 'seq 3'}
)");
        QVERIFY(o.result);
        QList<qint64> numbers;
        QStringList notes;
        for (const LogLine& line : o.lines) {
            if (line.step != u"count")
                continue;
            if (line.note)
                notes.append(line.text);
            else
                numbers.append(line.number);
        }
        // The step's lines are its output alone, numbered 1..3; the runner's result is a note.
        QCOMPARE(numbers, (QList<qint64>{1, 2, 3}));
        QCOMPARE(notes.size(), 1);
        QVERIFY2(notes.first().startsWith(QStringLiteral("count succeeded after")),
                 qPrintable(notes.first()));
    }

    // Standard output and error share one pipe in the order written; the step sees it blocking
    // (flags of /proc/self/fdinfo, octal: O_NONBLOCK is 04000); and a step ends with its shell,
    // whatever it left holding that pipe, in its group or out of it.
    void outputPipeAsTheStepSeesIt()
    {
        PipelineRunnerHost host(options());
        QElapsedTimer clock;
        clock.start();
        const Outcome o = run(host, R"(steps:
  - name: streams
    run: |
      echo one; echo two >&2; echo three
      sed -n 's/^flags:[[:space:]]*/out /p' /proc/self/fdinfo/1
      sed -n 's/^flags:[[:space:]]*/err /p' /proc/self/fdinfo/2 >&2
  - name: leaves-writers
    needs: []
    run: |
      ( sleep 20; echo late ) &
      setsid sh -c 'sleep 20; echo escaped' &
      echo main
)");
        QVERIFY(o.result);
        QCOMPARE(o.result->status, RunStatus::Succeeded);
        QStringList streams;
        QStringList leaves;
        for (const LogLine& line : o.lines) {
            if (!line.note)
                (line.step == u"streams" ? streams : leaves).append(line.text);
        }
        QCOMPARE(streams.mid(0, 3), (QStringList{QStringLiteral("one"), QStringLiteral("two"),
                                                 QStringLiteral("three")}));
        QCOMPARE(streams.size(), 5);
        for (const QString& flags : streams.mid(3)) {
            bool ok = false;
            const int value = flags.section(u' ', 1).toInt(&ok, 8);
            QVERIFY2(ok, qPrintable(flags));
            QVERIFY2((value & 04000) == 0, qPrintable(flags));
        }
        QCOMPARE(leaves, QStringList{QStringLiteral("main")});
        QVERIFY2(clock.elapsed() < 10'000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(processesOfRun(o.info.runId), QList<qint64>{});
    }

    // A console started with standard output and error closed (as a desktop launcher may start
    // it): the files it opens take descriptors 1 and 2, and steps must still get both streams in
    // order. The test above runs again in a process started that way.
    void consoleWithoutStandardStreams()
    {
        const QString report = m_dir.filePath(QStringLiteral("closed-streams.txt"));
        QProcess child;
        child.setChildProcessModifier([] {
            ::close(STDOUT_FILENO);
            ::close(STDERR_FILENO);
        });
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("outputPipeAsTheStepSeesIt"), QStringLiteral("-o"),
                     report + QStringLiteral(",txt")});
        QVERIFY(child.waitForFinished(60'000));
        QFile file(report);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY2(child.exitCode() == 0, text.constData());
        QVERIFY2(text.contains("PASS   : TestPipelineRunner::outputPipeAsTheStepSeesIt()"),
                 text.constData());
    }

    // A step's processes are found by their whole marker entry, never by a part of one.
    void markerMatchesWholeEntriesOnly()
    {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("LAUNCHDECK_TEST_MARK"), QStringLiteral("abc"));
        process.setProcessEnvironment(environment);
        process.setChildProcessModifier([] { ::setpgid(0, 0); });
        process.start(QStringLiteral("sleep"), {QStringLiteral("30")});
        QVERIFY(process.waitForStarted());
        const qint64 pid = process.processId();
        QCOMPARE(processtree::processesWithEnvironment("LAUNCHDECK_TEST_MARK=abc"),
                 QList<qint64>{pid});
        for (const QByteArray& part :
             {QByteArray("LAUNCHDECK_TEST_MARK=ab"), QByteArray("LAUNCHDECK_TEST_MARK=abcd"),
              QByteArray("TEST_MARK=abc"), QByteArray("LAUNCHDECK_TEST_MARK"), QByteArray()})
            QVERIFY2(processtree::processesWithEnvironment(part).isEmpty(), part.constData());
        QVERIFY(processtree::groupAlive(pid));
        QVERIFY(processtree::signalGroup(pid, SIGKILL));
        QVERIFY(process.waitForFinished());
        QVERIFY(!processtree::groupAlive(pid));
        QVERIFY(processtree::processesWithEnvironment("LAUNCHDECK_TEST_MARK=abc").isEmpty());
    }

    void timeoutEndsTheTree()
    {
        PipelineRunnerHost host(options());
        QElapsedTimer clock;
        clock.start();
        const Outcome o = run(host, R"(steps:
  - {name: slow, timeout: 500ms, run: 'sleep 300 & sleep 300 & wait'}
  - {name: next, needs: [slow], run: 'echo no'}
)");
        QVERIFY(o.result);
        QCOMPARE(o.step(QStringLiteral("slow")).status, RunStatus::TimedOut);
        QCOMPARE(o.step(QStringLiteral("next")).status, RunStatus::Skipped);
        QCOMPARE(o.result->status, RunStatus::Failed);
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(processesOfRun(o.info.runId), QList<qint64>{});
    }

    void cancelLeavesNothingRunning()
    {
        PipelineRunnerHost host(options());
        QElapsedTimer clock;
        const Outcome o = run(host,
                              R"(steps:
  - name: persistent
    run: |
      sleep 300 & sleep 300 &
      ( trap '' TERM; while true; do sleep 1; done ) &
      echo ready
      wait
  - {name: other, needs: [], run: 'sleep 300'}
  - {name: later, needs: [persistent], run: 'echo never'}
)",
                              30'000, [&](const QString& id) {
                                  clock.start();
                                  QVERIFY(!processesOfRun(id).isEmpty());
                                  host.cancel(id);
                              });
        QVERIFY(o.result);
        QCOMPARE(o.result->status, RunStatus::Cancelled);
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(o.step(QStringLiteral("persistent")).status, RunStatus::Cancelled);
        QCOMPARE(o.step(QStringLiteral("other")).status, RunStatus::Cancelled);
        QCOMPARE(o.step(QStringLiteral("later")).status, RunStatus::Cancelled);
        QCOMPARE(processesOfRun(o.info.runId), QList<qint64>{});
    }

    void secretsMaskedEverywhere()
    {
        const QByteArray secret =
            "pw-" + QByteArray::number(QRandomGenerator::global()->generate64(), 36);
        qputenv("LAUNCHDECK_TEST_SECRET", secret);
        const QString data = options().dataDir;
        HistoryStore store(data);
        QVERIFY(store.open().ok());
        Outcome o;
        {
            PipelineRunnerHost host(options());
            PipelineRecorder recorder(&store, host.runner());
            o = run(host, R"(secrets: [LAUNCHDECK_TEST_SECRET]
steps:
  - name: leak
    run: |
      echo "the secret is $LAUNCHDECK_TEST_SECRET"
      echo "::add-mask::dyn-98765"
      echo "dynamic dyn-98765 value"
      echo "$LAUNCHDECK_TEST_SECRET" >&2
      exit 1
)");
            QCOMPARE(recorder.failedWrites(), 0);
        }
        QVERIFY(o.result);
        QCOMPARE(o.result->status, RunStatus::Failed);
        QVERIFY(o.text().contains(QStringLiteral("the secret is ***")));
        QVERIFY(o.text().contains(QStringLiteral("dynamic *** value")));
        QVERIFY(!o.text().contains(QString::fromUtf8(secret)));
        QVERIFY(!o.text().contains(QStringLiteral("dyn-98765")));
        // Every byte written below the data folder: logs, database, WAL.
        int files = 0;
        QDirIterator it(data, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray bytes = file.readAll();
            QVERIFY2(!bytes.contains(secret), qPrintable(file.fileName()));
            QVERIFY2(!bytes.contains("dyn-98765"), qPrintable(file.fileName()));
            ++files;
        }
        QVERIFY(files >= 3);
        QFile log(o.step(QStringLiteral("leak")).logPath);
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY(log.readAll().contains("the secret is ***"));
        QCOMPARE(store.run(o.info.runId)->status, RunStatus::Failed);
    }

    void hugeLineInBoundedMemory()
    {
        PipelineRunnerHost host(options());
        test::resetPeakResident();
        const qint64 before = test::peakResidentKiB();
        qint64 pieces = 0;
        qint64 chars = 0;
        connect(host.runner(), &PipelineRunner::linesAvailable, this, [&](const LogBatch& batch) {
            for (const LogLine& line : batch) {
                if (line.step == u"huge" && line.text.startsWith(u'x')) {
                    ++pieces;
                    chars += line.text.size();
                    QVERIFY(line.text.size() <= 64 * 1024 + 1);
                }
            }
        });
        const Outcome o = run(host,
                              "steps:\n"
                              "  - {name: huge, run: \"head -c 100000000 /dev/zero | tr '\\\\0' x; "
                              "echo; echo done\"}\n",
                              120'000);
        const qint64 after = test::peakResidentKiB();
        QVERIFY(o.result);
        QCOMPARE(o.result->status, RunStatus::Succeeded);
        QCOMPARE(chars, 100'000'000);
        QVERIFY(pieces > 1000);
        // The peak, not what is left at the end: a 100 MB line held whole for a moment, then
        // freed, must fail this.
        qInfo() << "peak RSS before" << before << "KiB, during the run" << after << "KiB";
        QVERIFY2(after - before < 40 * 1024,
                 qPrintable(QStringLiteral("peak RSS grew by %1 KiB").arg(after - before)));
        QCOMPARE(QFileInfo(o.step(QStringLiteral("huge")).logPath).size() > 100'000'000, true);
        // The backlog is bounded by bytes, not only by lines.
        const LogBatch recent = host.runner()->recentLines();
        QVERIFY(recent.lineCount() > 0);
        QVERIFY(recent.byteCount() <= options().ringBytes + StepLog::kChunkBytes);
        bool doneKept = false;
        for (qsizetype i = 0; i < recent.lineCount(); ++i)
            doneKept = doneKept || (recent.step(i) == u"huge" && recent.bytes(i) == "done");
        QVERIFY(doneKept);
    }
};

QTEST_GUILESS_MAIN(TestPipelineRunner)
#include "tst_pipelinerunner.moc"
