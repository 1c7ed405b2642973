// The built-in step kinds through the runner, against a real local HTTP server: a passing and a
// failing smoke check, and a load test with thresholds.
#include "fakes/localhttpserver.h"
#include "pipeline/pipelineparser.h"
#include "pipeline/pipelinerunnerhost.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace launchdeck;

class TestPipelineHttp final : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    test::LocalHttpServer m_server;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        qRegisterMetaType<RunResult>();
        qRegisterMetaType<StepEvent>();
    }

    void builtInKinds()
    {
        const QByteArray yaml =
            QStringLiteral(
                "name: smoke\n"
                "steps:\n"
                "  - name: up\n"
                "    http_check: {url: '%1', expect_status: 200, timeout: 2s}\n"
                "  - name: broken\n"
                "    needs: [up]\n"
                "    continue_on_error: true\n"
                "    http_check: {url: '%2', expect_status: 200, timeout: 2s, retries: 1}\n"
                "  - name: load\n"
                "    needs: [up]\n"
                "    load_test:\n"
                "      url: '%1'\n"
                "      users: 2\n"
                "      duration: 1s\n"
                "      thresholds: {error_rate: 1%, min_rps: 1}\n")
                .arg(m_server.url(QStringLiteral("/hello.txt")),
                     m_server.url(QStringLiteral("/cgi-bin/error")))
                .toUtf8();
        Diagnostics problems;
        const auto pipeline =
            parsePipeline(m_dir.filePath(QStringLiteral("pipelines/smoke.yaml")), yaml, problems);
        QVERIFY2(pipeline,
                 problems.isEmpty() ? "" : qPrintable(formatDiagnostic(problems.first())));

        RunnerOptions options;
        options.dataDir = m_dir.filePath(QStringLiteral("data"));
        options.useKeyring = false;
        PipelineRunnerHost host(options);
        QSignalSpy finishedSteps(host.runner(), &PipelineRunner::stepFinished);
        QSignalSpy finishedRuns(host.runner(), &PipelineRunner::runFinished);
        QStringList lines;
        connect(host.runner(), &PipelineRunner::linesAvailable, this, [&](const LogBatch& batch) {
            for (qsizetype i = 0; i < batch.lineCount(); ++i)
                lines.append(batch.step(i) + u": " + batch.text(i));
        });
        RunRequest request;
        request.pipeline = *pipeline;
        request.workspace = m_dir.path();
        host.start(request);
        QTRY_COMPARE_WITH_TIMEOUT(finishedRuns.size(), 1, 60'000);

        QHash<QString, StepEvent> steps;
        for (const QList<QVariant>& signal : std::as_const(finishedSteps)) {
            const auto step = signal.first().value<StepEvent>();
            steps.insert(step.step, step);
        }
        QCOMPARE(steps.value(QStringLiteral("up")).status, RunStatus::Succeeded);
        QCOMPARE(steps.value(QStringLiteral("broken")).status, RunStatus::Failed);
        QCOMPARE(steps.value(QStringLiteral("load")).status, RunStatus::Succeeded);
        // continue_on_error keeps the failed check from failing the run.
        QCOMPARE(finishedRuns.first().first().value<RunResult>().status, RunStatus::Succeeded);
        // The spies record in the runner's thread; the lines arrive queued on this one.
        QTRY_VERIFY2_WITH_TIMEOUT(lines.join(u'\n').contains(QStringLiteral("p(95)=")),
                                  qPrintable(lines.join(u'\n')), 10'000);
        const QString log = lines.join(u'\n');
        QVERIFY2(log.contains(QStringLiteral("500")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("/cgi-bin/error")), qPrintable(log));
        QVERIFY(log.contains(QStringLiteral("load: ")));
    }
};

QTEST_GUILESS_MAIN(TestPipelineHttp)
#include "tst_pipelinehttp.moc"
