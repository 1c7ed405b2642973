// The validate step of a pipeline through the runner: the engine services/validation gives it
// passes a clean folder, fails on blocking findings (named, relative to the workspace) and on a
// missing path; a runner given no validation engine fails the step and says why.
#include "fakes/testfiles.h"
#include "pipeline/pipelineparser.h"
#include "pipeline/pipelinerunnerhost.h"
#include "validation/validatingstepengines.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace launchdeck;

namespace {

struct Outcome
{
    QList<StepEvent> finished;
    QStringList lines;
    std::optional<RunResult> result;
};

} // namespace

class TestValidateStep : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString workspace() const { return m_dir.filePath(QStringLiteral("workspace")); }

    RunnerOptions options() const
    {
        RunnerOptions o;
        o.dataDir = m_dir.filePath(QStringLiteral("data"));
        o.useKeyring = false;
        return o;
    }

    Outcome run(PipelineRunnerHost& host, const QString& path)
    {
        const QByteArray yaml =
            "steps:\n  - name: check\n    validate: " + path.toUtf8() + "\n    level: standard\n";
        Diagnostics out;
        const std::optional<Pipeline> pipeline =
            parsePipeline(workspace() + QStringLiteral("/pipelines/check.yaml"), yaml, out);
        for (const Diagnostic& d : out)
            qWarning().noquote() << formatDiagnostic(d);
        if (!pipeline)
            return {};

        Outcome outcome;
        QEventLoop loop;
        PipelineRunner* runner = host.runner();
        connect(runner, &PipelineRunner::stepFinished, &loop,
                [&](const StepEvent& e) { outcome.finished.append(e); });
        connect(runner, &PipelineRunner::linesAvailable, &loop, [&](const LogBatch& batch) {
            for (const LogLine& line : batch)
                outcome.lines.append(line.text);
        });
        connect(runner, &PipelineRunner::runFinished, &loop, [&](const RunResult& r) {
            outcome.result = r;
            loop.quit();
        });
        RunRequest request;
        request.pipeline = *pipeline;
        request.workspace = workspace();
        host.start(request);
        QTimer::singleShot(60'000, &loop, &QEventLoop::quit);
        loop.exec();
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
        QVERIFY(
            test::copyTree(QStringLiteral(LAUNCHDECK_SOURCE_DIR "/resources/sample"), workspace()));
        // A template whose YAML does not parse: a finding that blocks at every level.
        QVERIFY(test::writeFile(workspace() + QStringLiteral("/broken/templates/bad.yaml"),
                                "name: bad\nresources: [\n"));
    }

    void cleanFolderPasses()
    {
        PipelineRunnerHost host(options(), std::make_shared<ValidatingStepEngines>());
        const Outcome outcome = run(host, QStringLiteral("templates/"));
        QVERIFY(outcome.result);
        QCOMPARE(outcome.finished.size(), 1);
        QCOMPARE(outcome.finished.first().status, RunStatus::Succeeded);
        QCOMPARE(outcome.result->status, RunStatus::Succeeded);
        const QString summary = outcome.lines.join(u'\n');
        QVERIFY2(summary.contains(u"validated 2 file(s) at level standard"), qPrintable(summary));
        QVERIFY2(summary.contains(u"0 blocking"), qPrintable(summary));
    }

    void blockingFindingFails()
    {
        PipelineRunnerHost host(options(), std::make_shared<ValidatingStepEngines>());
        const Outcome outcome = run(host, QStringLiteral("broken/"));
        QVERIFY(outcome.result);
        QCOMPARE(outcome.finished.size(), 1);
        const StepEvent& step = outcome.finished.first();
        QCOMPARE(step.status, RunStatus::Failed);
        QVERIFY2(step.message.contains(u"blocking finding(s)"), qPrintable(step.message));
        QCOMPARE(outcome.result->status, RunStatus::Failed);
        // Findings name the file relative to the workspace, with line and column.
        const QString log = outcome.lines.join(u'\n');
        QVERIFY2(log.contains(u"broken/templates/bad.yaml:"), qPrintable(log));
        QVERIFY2(!log.contains(workspace()), qPrintable(log));
    }

    void missingPathFails()
    {
        PipelineRunnerHost host(options(), std::make_shared<ValidatingStepEngines>());
        const Outcome outcome = run(host, QStringLiteral("nowhere/"));
        QVERIFY(outcome.result);
        QCOMPARE(outcome.finished.size(), 1);
        QCOMPARE(outcome.finished.first().status, RunStatus::Failed);
        QCOMPARE(outcome.finished.first().message, u"nothing to validate at nowhere/"_qs);
    }

    void runnerWithoutValidationEngineSaysSo()
    {
        PipelineRunnerHost host(options());
        const Outcome outcome = run(host, QStringLiteral("templates/"));
        QVERIFY(outcome.result);
        QCOMPARE(outcome.finished.size(), 1);
        QCOMPARE(outcome.finished.first().status, RunStatus::Failed);
        const QString message = outcome.finished.first().message;
        QVERIFY2(message.contains(u"no validation engine"), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestValidateStep)
#include "tst_validatestep.moc"
