// The Pipelines tab against the real runner: run a pipeline that prints colours and a secret,
// see it succeed with its lines (and never the secret), cancel a long run, re-run, re-run only
// the failed steps, and find the runs again from the history in a new tab.
#include "envoverrideseditor.h"
#include "logmodel.h"
#include "pipelinestab.h"
#include "runsfiltermodel.h"
#include "runsmodel.h"
#include "session/workspacesession.h"
#include "stepsmodel.h"

#include <QDir>
#include <QFile>
#include <QListWidget>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace launchdeck;

namespace {

const QByteArray kSecret = "pA55-w0rd-7c1e9";

void writeFile(const QString& path, const QByteArray& text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

} // namespace

class TestPipelinesTab final : public QObject
{
    Q_OBJECT

private:
    struct Console
    {
        std::unique_ptr<WorkspaceSession> session;
        std::unique_ptr<PipelinesTab> tab;

        ~Console()
        {
            tab.reset();
            session.reset();
        }
    };

    std::unique_ptr<Console> makeConsole(const QString& root = {})
    {
        auto console = std::make_unique<Console>();
        SessionOptions options;
        options.root = root.isEmpty() ? m_workspace.path() : root;
        options.dataDir = m_data.path();
        options.runner.killGrace = std::chrono::milliseconds(1000);
        options.runner.useKeyring = false;
        options.useKeyring = false;
        options.connectHosts = false;
        console->session = std::make_unique<WorkspaceSession>(options);
        console->tab = std::make_unique<PipelinesTab>();
        console->tab->resize(1200, 800);
        console->tab->show();
        console->tab->setSession(console->session.get());
        console->session->open();
        return console;
    }

    static void choosePipeline(PipelinesTab& tab, const QString& name)
    {
        const QList<QListWidgetItem*> items = tab.pipelineList()->findItems(name, Qt::MatchExactly);
        QCOMPARE(items.size(), 1);
        tab.pipelineList()->setCurrentItem(items.first());
    }

    static RunStatus statusOf(const PipelinesTab& tab, const QString& runId)
    {
        const int row = tab.runs()->rowOf(runId);
        return row < 0 ? RunStatus::Queued : tab.runs()->run(row).status;
    }

    static QStringList logLines(const LogModel& model)
    {
        QStringList lines;
        for (int row = 0; row < model.rowCount(); ++row)
            lines.append(model.index(row).data().toString());
        return lines;
    }

    // Clicks Run (or another action) and returns the id of the run it started.
    static QString startBy(PipelinesTab& tab, QPushButton* button)
    {
        const int before = tab.runs()->rowCount();
        if (!button->isEnabled())
            return {};
        QTest::mouseClick(button, Qt::LeftButton);
        if (!QTest::qWaitFor([&] { return tab.runs()->rowCount() == before + 1; }, 10'000))
            return {};
        return tab.currentRunId();
    }

    QTemporaryDir m_workspace;
    QTemporaryDir m_data;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Launchdeck"));
        QCoreApplication::setApplicationName(QStringLiteral("Launchdeck"));
        qputenv("LAUNCHDECK_TEST_SECRET", kSecret);
        QVERIFY(m_workspace.isValid() && m_data.isValid());
        const QDir root(m_workspace.path());
        QVERIFY(root.mkpath(QStringLiteral("pipelines")));
        writeFile(root.filePath(QStringLiteral("pipelines/colours.yaml")),
                  "name: colours\n"
                  "secrets: [LAUNCHDECK_TEST_SECRET]\n"
                  "steps:\n"
                  "  - name: paint\n"
                  "    run: |\n"
                  "      printf '\\033[31mred line\\033[0m\\n'\n"
                  "      printf '\\033[1;32mgreen bold\\033[0m plain\\n'\n"
                  "      echo \"token is $LAUNCHDECK_TEST_SECRET\"\n"
                  "  - name: greet\n"
                  "    needs: [paint]\n"
                  "    run: echo \"greeting $GREETING\"\n");
        writeFile(root.filePath(QStringLiteral("pipelines/sleeper.yaml")),
                  "name: sleeper\n"
                  "steps:\n"
                  "  - name: wait\n"
                  "    run: echo sleeping; sleep 30\n");
        writeFile(root.filePath(QStringLiteral("pipelines/mixed.yaml")),
                  "name: mixed\n"
                  "steps:\n"
                  "  - name: good\n"
                  "    run: echo good-ran\n"
                  "  - name: bad\n"
                  "    run: echo bad-ran; exit 3\n");
    }

    void runCancelRerunAndHistory()
    {
        auto console = makeConsole();
        PipelinesTab& tab = *console->tab;
        QTRY_COMPARE_WITH_TIMEOUT(tab.pipelineList()->count(), 3, 10'000);
        QTRY_VERIFY_WITH_TIMEOUT(tab.isHistoryReady(), 10'000);

        // Run with an override; the runs table shows it succeeded.
        choosePipeline(tab, QStringLiteral("colours"));
        tab.envEditor()->addRow(QStringLiteral("GREETING"), QStringLiteral("hello"));
        const QString first = startBy(tab, tab.runButton());
        QVERIFY(!first.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(tab, first), RunStatus::Succeeded, 20'000);
        const QModelIndex shown = tab.runsFilter()->mapFromSource(
            tab.runs()->index(tab.runs()->rowOf(first), RunsModel::Status));
        QCOMPARE(tab.runsView()->model()->data(shown).toString(), QStringLiteral("Succeeded"));

        // The log holds the lines, colours kept in the raw text, the secret nowhere.
        QTRY_VERIFY(logLines(*tab.log()).contains(QStringLiteral("greeting hello")));
        const QStringList lines = logLines(*tab.log());
        QVERIFY2(lines.contains(QStringLiteral("red line")), qPrintable(lines.join(u'\n')));
        QVERIFY(lines.contains(QStringLiteral("green bold plain")));
        QVERIFY(std::any_of(lines.begin(), lines.end(),
                            [](const QString& l) { return l.startsWith(u"token is "); }));
        bool colours = false;
        for (int row = 0; row < tab.log()->rowCount(); ++row) {
            const QModelIndex index = tab.log()->index(row);
            for (const int role : {int(Qt::DisplayRole), int(LogModel::RawTextRole),
                                   int(Qt::ToolTipRole), int(LogModel::StepRole)})
                QVERIFY(!index.data(role).toString().contains(QString::fromLatin1(kSecret)));
            colours = colours || index.data(LogModel::RawTextRole)
                                     .toString()
                                     .contains(QStringLiteral("\x1b[31mred line"));
        }
        QVERIFY(colours);
        QCOMPARE(tab.steps()->rowCount(), 2);
        QCOMPARE(tab.steps()->row(1).status, RunStatus::Succeeded);

        // Re-run: a second run of the same pipeline with the same override.
        const QString again = startBy(tab, tab.rerunButton());
        QVERIFY(!again.isEmpty() && again != first);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(tab, again), RunStatus::Succeeded, 20'000);
        QTRY_VERIFY(logLines(*tab.log()).contains(QStringLiteral("greeting hello")));

        // Cancel a long run.
        choosePipeline(tab, QStringLiteral("sleeper"));
        const QString sleeper = startBy(tab, tab.runButton());
        QVERIFY(!sleeper.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(logLines(*tab.log()).contains(QStringLiteral("sleeping")), 10'000);
        QVERIFY(tab.cancelButton()->isEnabled());
        QVERIFY(!tab.rerunButton()->isEnabled());
        QTest::mouseClick(tab.cancelButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(tab, sleeper), RunStatus::Cancelled, 10'000);
        QVERIFY(!tab.cancelButton()->isEnabled());

        // Re-run failed steps: only the step that failed runs again.
        choosePipeline(tab, QStringLiteral("mixed"));
        const QString mixed = startBy(tab, tab.runButton());
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(tab, mixed), RunStatus::Failed, 20'000);
        QTRY_VERIFY(tab.rerunFailedButton()->isEnabled());
        const QString retry = startBy(tab, tab.rerunFailedButton());
        QVERIFY(!retry.isEmpty() && retry != mixed);
        QTRY_COMPARE_WITH_TIMEOUT(statusOf(tab, retry), RunStatus::Failed, 20'000);
        QTRY_VERIFY(logLines(*tab.log()).contains(QStringLiteral("bad-ran")));
        QVERIFY(!logLines(*tab.log()).contains(QStringLiteral("good-ran")));

        // Status filter over the runs table.
        tab.runsFilter()->setStatus(RunStatus::Cancelled);
        QCOMPARE(tab.runsView()->model()->rowCount(), 1);
        tab.runsFilter()->setStatus(std::nullopt);
        QCOMPARE(tab.runsView()->model()->rowCount(), 5);
        console.reset();

        // A new console finds the runs in the history and reads a run's log back from disk.
        auto later = makeConsole();
        PipelinesTab& reopened = *later->tab;
        QTRY_COMPARE_WITH_TIMEOUT(reopened.runs()->rowCount(), 5, 10'000);
        QCOMPARE(statusOf(reopened, sleeper), RunStatus::Cancelled);
        reopened.selectRun(first);
        QTRY_VERIFY_WITH_TIMEOUT(logLines(*reopened.log()).contains(QStringLiteral("red line")),
                                 10'000);
        for (const QString& line : logLines(*reopened.log()))
            QVERIFY(!line.contains(QString::fromLatin1(kSecret)));
        QTRY_COMPARE(reopened.steps()->rowCount(), 2);
        QTRY_VERIFY(reopened.rerunButton()->isEnabled());
    }

    // Pipelines are found when the workspace is read: one added, edited, renamed or removed shows
    // in the list without a restart, with and without a workspace file naming where they live.
    void pipelinesAddedAndRemovedOnDisk()
    {
        for (const bool withWorkspaceFile : {false, true}) {
            QTemporaryDir folder;
            const QDir root(folder.path());
            QVERIFY(root.mkpath(QStringLiteral("pipelines")));
            QVERIFY(root.mkpath(QStringLiteral("ci")));
            QVERIFY(root.mkpath(QStringLiteral("empty")));
            writeFile(root.filePath(QStringLiteral("pipelines/first.yaml")),
                      "name: first\nsteps:\n  - {name: a, run: echo a}\n");
            if (withWorkspaceFile) {
                writeFile(root.filePath(QStringLiteral("ci/second.yaml")),
                          "name: second\nsteps:\n  - {name: b, run: echo b}\n");
                writeFile(root.filePath(QStringLiteral("launchdeck.yaml")),
                          "name: watched\npipelines: [pipelines/*.yaml, ci/*.yaml, empty/*.yaml, "
                          "later/*.yaml]\n");
            }
            auto console = makeConsole(folder.path());
            PipelinesTab& tab = *console->tab;
            const int before = withWorkspaceFile ? 2 : 1;
            QTRY_COMPARE_WITH_TIMEOUT(tab.pipelineList()->count(), before, 10'000);

            writeFile(root.filePath(QStringLiteral("pipelines/added.yaml")),
                      "name: added\nsteps:\n  - {name: c, run: echo c}\n");
            QTRY_COMPARE_WITH_TIMEOUT(tab.pipelineList()->count(), before + 1, 10'000);
            // Edited in place (the same file, no entry of the folder changes): read again.
            const auto listed = [&tab](const QString& name) {
                return !tab.pipelineList()->findItems(name, Qt::MatchExactly).isEmpty();
            };
            QTRY_VERIFY(listed(QStringLiteral("added")));
            writeFile(root.filePath(QStringLiteral("pipelines/added.yaml")),
                      "name: edited\nsteps:\n  - {name: c, run: echo c}\n");
            QTRY_VERIFY_WITH_TIMEOUT(listed(QStringLiteral("edited")), 10'000);
            QCOMPARE(tab.pipelineList()->count(), before + 1);
            if (withWorkspaceFile) {
                // A folder the workspace file names, not the default one.
                writeFile(root.filePath(QStringLiteral("ci/third.yaml")),
                          "name: third\nsteps:\n  - {name: d, run: echo d}\n");
                QTRY_COMPARE_WITH_TIMEOUT(tab.pipelineList()->count(), before + 2, 10'000);
                QVERIFY(QFile::remove(root.filePath(QStringLiteral("ci/third.yaml"))));
                QTRY_COMPARE_WITH_TIMEOUT(tab.pipelineList()->count(), before + 1, 10'000);
            }
            QVERIFY(QFile::remove(root.filePath(QStringLiteral("pipelines/added.yaml"))));
            QTRY_COMPARE_WITH_TIMEOUT(tab.pipelineList()->count(), before, 10'000);
            if (withWorkspaceFile) {
                // A folder a pattern names that held no file when the workspace was read.
                writeFile(root.filePath(QStringLiteral("empty/fourth.yaml")),
                          "name: fourth\nsteps:\n  - {name: e, run: echo e}\n");
                QTRY_COMPARE_WITH_TIMEOUT(tab.pipelineList()->count(), before + 1, 10'000);
                // One made afterwards: its first file comes once the reload that saw it made is
                // over (a file written at once would be found by that reload itself).
                QVERIFY(root.mkpath(QStringLiteral("later")));
                QTest::qWait(4 * WorkspaceSession::kReloadDebounceMs);
                writeFile(root.filePath(QStringLiteral("later/fifth.yaml")),
                          "name: fifth\nsteps:\n  - {name: f, run: echo f}\n");
                QTRY_COMPARE_WITH_TIMEOUT(tab.pipelineList()->count(), before + 2, 10'000);
            }
        }
    }
};

QTEST_MAIN(TestPipelinesTab)
#include "tst_pipelinestab.moc"
