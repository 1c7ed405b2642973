// The main window and the Infrastructure tab end to end, with the real validation service:
// findings shown and underlined, fixed by typing, jumped to, saved, guarded, found and
// replaced, rendered, and the window's remembered state.
#include "bannerwidget.h"
#include "diagnosticsfiltermodel.h"
#include "diagnosticsmodel.h"
#include "fakes/testfiles.h"
#include "findreplacebar.h"
#include "infrastructuretab.h"
#include "mainwindow.h"
#include "pipelinestab.h"
#include "problemspanel.h"
#include "renderpreview.h"
#include "session/workspacesession.h"
#include "store/historystore.h"
#include "yamleditor.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>

using namespace launchdeck;

namespace {

constexpr int kTimeoutMs = 20000;

// Line 7 repeats the key of line 6: a finding of the YAML loader whatever the kind of file.
const char kBrokenManifest[] = "apiVersion: v1\n"
                               "kind: ConfigMap\n"
                               "metadata:\n"
                               "  name: settings\n"
                               "data:\n"
                               "  mode: fast\n"
                               "  mode: slow\n";
constexpr int kBrokenLine = 7;
constexpr int kBrokenColumn = 3;

using test::copyTree;
using test::readFile;
using test::writeFile;

bool hasErrorAt(const DiagnosticsModel* model, const QString& path, int line)
{
    const Diagnostics findings = model->diagnosticsFor(path);
    return std::any_of(findings.begin(), findings.end(), [line](const Diagnostic& d) {
        return d.line == line && isError(d.severity);
    });
}

void typeLine(QWidget* editor, const QString& text)
{
    QTest::keyClicks(editor, text);
    QTest::keyClick(editor, Qt::Key_Return);
}

QMessageBox* openMessageBox(QWidget* parent)
{
    const auto boxes = parent->findChildren<QMessageBox*>();
    for (QMessageBox* box : boxes) {
        if (box->isVisible())
            return box;
    }
    return nullptr;
}

} // namespace

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Launchdeck"));
        QCoreApplication::setApplicationName(QStringLiteral("Launchdeck"));
    }

    void init()
    {
        QSettings().clear();
        m_dir.reset(new QTemporaryDir);
        QVERIFY(m_dir->isValid());
        m_root = m_dir->path() + u"/workspace";
        QVERIFY(copyTree(QStringLiteral(LAUNCHDECK_SOURCE_DIR "/resources/sample"), m_root));
        m_manifest = m_root + u"/manifests/settings.yaml";
        QVERIFY(writeFile(m_manifest, kBrokenManifest));
        m_window.reset(new MainWindow);
        m_tab = m_window->infrastructureTab();
        // The window opens on Deployments; these tests are about the editor's tab.
        auto* tabs = qobject_cast<QTabWidget*>(m_window->centralWidget());
        QVERIFY(tabs);
        QCOMPARE(tabs->currentIndex(), 0);
        tabs->setCurrentWidget(m_tab);
        m_tester.reset(new QAbstractItemModelTester(
            m_tab->diagnostics(), QAbstractItemModelTester::FailureReportingMode::QtTest));
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanup()
    {
        if (m_tab)
            m_tab->editor()->document()->setModified(false);
        m_tester.reset();
        m_window.reset();
        m_tab = nullptr;
        m_dir.reset();
    }

    void problemsShowTheKnownError()
    {
        QSignalSpy opened(m_tab, &InfrastructureTab::workspaceOpened);
        m_window->openWorkspace(m_root);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kTimeoutMs);
        QCOMPARE(m_tab->workspaceName(), u"storefront"_qs);
        // The sample's strictest environment (production) chooses the level.
        QCOMPARE(m_tab->validationLevel(), ValidationLevel::Strict);
        QTRY_VERIFY_WITH_TIMEOUT(hasErrorAt(m_tab->diagnostics(), m_manifest, kBrokenLine),
                                 kTimeoutMs);

        // The Problems table shows it, with its line and the file relative to the workspace.
        QTableView* view = m_tab->problems()->view();
        bool shown = false;
        for (int row = 0; row < view->model()->rowCount(); ++row) {
            const QAbstractItemModel* m = view->model();
            if (m->index(row, DiagnosticsModel::FileColumn).data().toString() ==
                    u"manifests/settings.yaml" &&
                m->index(row, DiagnosticsModel::LineColumn).data().toInt() == kBrokenLine)
                shown = true;
        }
        QVERIFY(shown);
        QVERIFY(m_tab->diagnostics()->errorCount() > 0);
    }

    // The editor checks for the chosen environment's cluster: an API that release still serves
    // is no finding there, and is one for an environment on the newest release.
    void editorChecksForTheEnvironmentsKubernetesRelease()
    {
        QFile workspaceFile(m_root + u"/launchdeck.yaml");
        QVERIFY(workspaceFile.open(QIODevice::ReadOnly));
        QString yaml = QString::fromUtf8(workspaceFile.readAll());
        workspaceFile.close();
        yaml.replace(u"    validation: standard\n"_qs,
                     u"    validation: standard\n    kubernetes_version: \"1.24\"\n"_qs);
        QVERIFY(writeFile(m_root + u"/launchdeck.yaml", yaml.toUtf8()));
        const QString psp = m_root + u"/manifests/psp.yaml";
        QVERIFY(writeFile(psp, "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\n"
                               "metadata:\n  name: restricted\nspec: {}\n"));
        const auto removedApi = [this, &psp] {
            const Diagnostics findings = m_tab->diagnostics()->diagnosticsFor(psp);
            return std::any_of(findings.begin(), findings.end(),
                               [](const Diagnostic& d) { return d.rule == u"removed-api"; });
        };
        QSignalSpy opened(m_tab, &InfrastructureTab::workspaceOpened);
        m_window->openWorkspace(m_root);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kTimeoutMs);

        m_tab->setEnvironment(u"production"_qs); // names no release: the newest
        QTRY_VERIFY_WITH_TIMEOUT(removedApi(), kTimeoutMs);
        m_tab->setEnvironment(u"staging"_qs); // 1.24 still serves policy/v1beta1
        QTRY_VERIFY_WITH_TIMEOUT(!removedApi(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!m_tab->diagnostics()->diagnosticsFor(psp).isEmpty(),
                                 kTimeoutMs); // checked, with the low no-schema note
    }

    void editorUnderlinesTheFinding()
    {
        openManifest();
        QTRY_VERIFY_WITH_TIMEOUT(squiggleAt(kBrokenLine, kBrokenColumn), kTimeoutMs);
        const auto selections = m_tab->editor()->findingSelections();
        for (const auto& selection : selections) {
            if (selection.cursor.blockNumber() + 1 != kBrokenLine)
                continue;
            QCOMPARE(selection.format.underlineStyle(), QTextCharFormat::WaveUnderline);
            QCOMPARE(selection.format.underlineColor(),
                     DiagnosticsModel::severityColor(Severity::High));
            // From the column to the end of the token: the key "mode".
            QCOMPARE(selection.cursor.selectedText(), u"mode"_qs);
        }
        const int position =
            m_tab->editor()->document()->findBlockByNumber(kBrokenLine - 1).position() + 3;
        QVERIFY(!m_tab->editor()->messagesAt(position).isEmpty());
    }

    void typingAFixClearsTheFinding()
    {
        openManifest();
        QTRY_VERIFY_WITH_TIMEOUT(squiggleAt(kBrokenLine, kBrokenColumn), kTimeoutMs);
        YamlEditor* editor = m_tab->editor();
        editor->jumpTo(kBrokenLine, kBrokenColumn);
        QTextCursor cursor = editor->textCursor();
        cursor.movePosition(QTextCursor::Right, QTextCursor::KeepAnchor, 4);
        editor->setTextCursor(cursor);
        QTest::keyClicks(editor, QStringLiteral("tier"));
        QCOMPARE(editor->document()->findBlockByNumber(kBrokenLine - 1).text(), u"  tier: slow"_qs);
        QVERIFY(m_tab->isModified());
        QVERIFY(m_window->isWindowModified());
        // Debounced and asynchronous: the old finding is still listed right after typing.
        QVERIFY(hasErrorAt(m_tab->diagnostics(), m_manifest, kBrokenLine));
        QTRY_VERIFY_WITH_TIMEOUT(!hasErrorAt(m_tab->diagnostics(), m_manifest, kBrokenLine),
                                 kTimeoutMs);
        QTRY_VERIFY(!squiggleAt(kBrokenLine, kBrokenColumn));
    }

    void doubleClickJumpsToTheFinding()
    {
        m_window->openWorkspace(m_root);
        QTRY_VERIFY_WITH_TIMEOUT(hasErrorAt(m_tab->diagnostics(), m_manifest, kBrokenLine),
                                 kTimeoutMs);
        QTableView* view = m_tab->problems()->view();
        QModelIndex target;
        for (int row = 0; row < view->model()->rowCount() && !target.isValid(); ++row) {
            const QModelIndex index = view->model()->index(row, DiagnosticsModel::MessageColumn);
            if (index.data(DiagnosticsModel::PathRole).toString() == m_manifest &&
                index.data(DiagnosticsModel::LineRole).toInt() == kBrokenLine)
                target = index;
        }
        QVERIFY(target.isValid());
        view->scrollTo(target);
        const QPoint centre = view->visualRect(target).center();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, centre);
        QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, centre);
        QTRY_COMPARE_WITH_TIMEOUT(m_tab->currentFile(), m_manifest, kTimeoutMs);
        QTRY_COMPARE(m_tab->editor()->currentLine(), kBrokenLine);
        QCOMPARE(m_tab->editor()->currentColumn(), kBrokenColumn);
        QVERIFY(m_window->windowTitle().startsWith(u"settings.yaml"));
    }

    void saveWritesTheFile()
    {
        openManifest();
        YamlEditor* editor = m_tab->editor();
        editor->jumpTo(4, 17);
        QTest::keyClicks(editor, QStringLiteral("-v2"));
        QVERIFY(m_tab->isModified());
        QSignalSpy saved(m_tab, &InfrastructureTab::fileSaved);
        QTest::keySequence(m_window.get(), QKeySequence::Save);
        QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, kTimeoutMs);
        QVERIFY(!m_tab->isModified());
        QVERIFY(!m_window->isWindowModified());
        QVERIFY(readFile(m_manifest).contains("  name: settings-v2\n"));
    }

    void unsavedChangesAreGuarded()
    {
        openManifest();
        const QString other = m_root + u"/manifests/web.yaml";
        typeLine(m_tab->editor(), QStringLiteral("# edited"));
        QVERIFY(m_tab->isModified());

        // Cancel: nothing happens.
        m_tab->openFile(other);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = openMessageBox(m_window.get())) != nullptr);
        box->button(QMessageBox::Cancel)->click();
        QTest::qWait(100);
        QCOMPARE(m_tab->currentFile(), m_manifest);
        QVERIFY(m_tab->isModified());

        // Save: written, then switched.
        QSignalSpy opened(m_tab, &InfrastructureTab::fileOpened);
        m_tab->openFile(other);
        QTRY_VERIFY((box = openMessageBox(m_window.get())) != nullptr);
        box->button(QMessageBox::Save)->click();
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kTimeoutMs);
        QCOMPARE(m_tab->currentFile(), other);
        QVERIFY(readFile(m_manifest).startsWith("# edited\n"));

        // Discard: the disk keeps what it had.
        const QByteArray before = readFile(other);
        typeLine(m_tab->editor(), QStringLiteral("# dropped"));
        m_tab->openFile(m_manifest);
        QTRY_VERIFY((box = openMessageBox(m_window.get())) != nullptr);
        box->button(QMessageBox::Discard)->click();
        QTRY_COMPARE_WITH_TIMEOUT(m_tab->currentFile(), m_manifest, kTimeoutMs);
        QCOMPARE(readFile(other), before);
    }

    void closingAsksFirst()
    {
        openManifest();
        typeLine(m_tab->editor(), QStringLiteral("# edited"));
        m_window->close();
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = openMessageBox(m_window.get())) != nullptr);
        QVERIFY(m_window->isVisible());
        box->button(QMessageBox::Cancel)->click();
        QTest::qWait(50);
        QVERIFY(m_window->isVisible());
        m_window->close();
        QTRY_VERIFY((box = openMessageBox(m_window.get())) != nullptr);
        box->button(QMessageBox::Discard)->click();
        QTRY_VERIFY(!m_window->isVisible());
        QCOMPARE(readFile(m_manifest), QByteArray(kBrokenManifest));
    }

    void findAndReplace()
    {
        openManifest();
        FindReplaceBar* bar = m_tab->findBar();
        YamlEditor* editor = m_tab->editor();
        editor->jumpTo(1, 1);
        QTest::keySequence(m_window.get(), QKeySequence(QStringLiteral("Ctrl+H")));
        QVERIFY(bar->isVisible());
        bar->setSearchText(QStringLiteral("MODE"));
        bar->setMatchCase(true);
        QVERIFY(!bar->findNext());
        bar->setMatchCase(false);
        QVERIFY(bar->findNext());
        QCOMPARE(editor->textCursor().selectedText(), u"mode"_qs);
        QCOMPARE(editor->currentLine(), 6);
        QVERIFY(bar->findNext());
        QCOMPARE(editor->currentLine(), 7);
        QVERIFY(bar->findNext()); // wraps around
        QCOMPARE(editor->currentLine(), 6);
        QVERIFY(bar->findPrevious());
        QCOMPARE(editor->currentLine(), 7);

        bar->setReplacementText(QStringLiteral("level"));
        QVERIFY(bar->replace());
        QCOMPARE(editor->document()->findBlockByNumber(6).text(), u"  level: slow"_qs);
        QCOMPARE(bar->replaceAll(), 1);
        QVERIFY(!editor->toPlainText().contains(u"mode"));
        // Replace All is one undo step.
        editor->undo();
        QCOMPARE(editor->document()->findBlockByNumber(5).text(), u"  mode: fast"_qs);
    }

    void renderPreviewFollowsEdits()
    {
        m_window->openWorkspace(m_root);
        QTRY_VERIFY_WITH_TIMEOUT(!m_tab->workspaceName().isEmpty(), kTimeoutMs);
        const QStringList templates =
            QDir(m_root + u"/templates").entryList({QStringLiteral("*.yaml")}, QDir::Files);
        QVERIFY2(!templates.isEmpty(), "the sample workspace ships templates");
        const QString path = m_root + u"/templates/" + templates.constFirst();
        m_tab->openFile(path);
        QTRY_COMPARE_WITH_TIMEOUT(m_tab->currentFile(), path, kTimeoutMs);
        QCOMPARE(m_tab->currentKind(), FileKind::Template);
        QVERIFY(m_tab->preview()->isApplicable());
        QTRY_VERIFY_WITH_TIMEOUT(!m_tab->preview()->output().isEmpty(), kTimeoutMs);

        // Change the first image and watch the rendered output take it.
        YamlEditor* editor = m_tab->editor();
        const QString text = editor->toPlainText();
        const qsizetype image = text.indexOf(u"image:");
        QVERIFY(image >= 0);
        QTextCursor cursor(editor->document());
        cursor.setPosition(int(image + 6));
        cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        editor->setTextCursor(cursor);
        QTest::keyClicks(editor, QStringLiteral(" registry.example/edited:9.9"));
        QTRY_VERIFY_WITH_TIMEOUT(
            m_tab->preview()->output().contains(u"registry.example/edited:9.9"), kTimeoutMs);

        m_tab->preview()->setTarget(QStringLiteral("kubernetes"));
        QTRY_VERIFY_WITH_TIMEOUT(m_tab->preview()->output().contains(u"apiVersion"), kTimeoutMs);
    }

    void unreadableFileShowsABanner()
    {
        m_window->openWorkspace(m_root);
        m_tab->openFile(m_root + u"/manifests/missing.yaml");
        QTRY_VERIFY_WITH_TIMEOUT(m_tab->banner()->isVisible(), kTimeoutMs);
        QVERIFY(m_tab->banner()->text().contains(u"missing.yaml"));
        QVERIFY(m_tab->currentFile().isEmpty());
    }

    // Opening another workspace while a run of the open one goes on: asked, the old session
    // lets the run end (or cancels it) and goes only then; the tabs are on the new one at once.
    void switchingWorkspaceLetsRunsEnd_data()
    {
        QTest::addColumn<QString>("answer");
        QTest::addColumn<RunStatus>("status");
        QTest::newRow("keep") << u"keepButton"_qs << RunStatus::Succeeded;
        QTest::newRow("cancel") << u"cancelButton"_qs << RunStatus::Cancelled;
    }

    void switchingWorkspaceLetsRunsEnd()
    {
        QFETCH(QString, answer);
        QFETCH(RunStatus, status);
        const QString slow = m_dir->path() + u"/slow";
        QVERIFY(writeFile(slow + u"/pipelines/slow.yaml",
                          "name: slow\nsteps:\n  - name: wait\n    run: sleep 2\n"));
        m_window->openWorkspace(slow);
        PipelinesTab* pipelines = m_window->pipelinesTab();
        QTRY_VERIFY_WITH_TIMEOUT(
            pipelines->isHistoryReady() && pipelines->pipelineList()->count() == 1, kTimeoutMs);
        pipelines->pipelineList()->setCurrentRow(0);
        QSignalSpy ended(pipelines, &PipelinesTab::runEnded);
        pipelines->runSelected();
        const QPointer<WorkspaceSession> old = m_window->session();
        QVERIFY(old);
        QCOMPARE(old->runningPipelines(), 1);
        QSignalSpy oldEnded(old.data(), &WorkspaceSession::pipelineEnded);

        m_window->openWorkspace(m_root);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->workQuestion(), kTimeoutMs);
        QCOMPARE(m_window->session(), old.data());
        auto* button = m_window->workQuestion()->findChild<QPushButton*>(answer);
        QVERIFY(button);
        button->click();
        QVERIFY(m_window->session() != old.data());
        QCOMPARE(m_window->session()->root(), m_root);
        QVERIFY(old);
        QTRY_VERIFY_WITH_TIMEOUT(!old, kTimeoutMs);
        QCOMPARE(oldEnded.count(), 1);
        // The tab has moved on and did not hear the end; the history has it.
        QCOMPARE(ended.count(), 0);
        WorkspaceSession reader(SessionOptions{.dataDir = m_window->session()->dataDir()});
        QVERIFY(reader.openBlocking());
        const std::optional<RunRecord> run =
            reader.historyStore()->run(oldEnded.first().at(0).toString());
        QVERIFY(run);
        QCOMPARE(run->status, status);
    }

    // Work kept running in the workspace switched away from is still asked about on quitting,
    // and "wait" closes the window once it has ended.
    void quittingAsksAboutWorkOfTheWorkspaceLeft()
    {
        const QString slow = m_dir->path() + u"/slow";
        QVERIFY(writeFile(slow + u"/pipelines/slow.yaml",
                          "name: slow\nsteps:\n  - name: wait\n    run: sleep 2\n"));
        m_window->show();
        m_window->openWorkspace(slow);
        PipelinesTab* pipelines = m_window->pipelinesTab();
        QTRY_VERIFY_WITH_TIMEOUT(
            pipelines->isHistoryReady() && pipelines->pipelineList()->count() == 1, kTimeoutMs);
        pipelines->pipelineList()->setCurrentRow(0);
        pipelines->runSelected();
        const QPointer<WorkspaceSession> old = m_window->session();
        m_window->openWorkspace(m_root);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->workQuestion(), kTimeoutMs);
        m_window->workQuestion()->findChild<QPushButton*>(u"keepButton"_qs)->click();
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->workQuestion(), kTimeoutMs);
        QVERIFY2(old && old->isBusy(), "the run of the workspace left should still go on");

        QVERIFY(!m_window->close());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->workQuestion(), kTimeoutMs);
        QVERIFY2(m_window->workQuestion()->text().contains(u"1 pipeline run"),
                 qPrintable(m_window->workQuestion()->text()));
        m_window->workQuestion()->findChild<QPushButton*>(u"waitButton"_qs)->click();
        QVERIFY(m_window->isVisible()); // until the run has ended
        QTRY_VERIFY_WITH_TIMEOUT(!old, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->isVisible(), kTimeoutMs);
    }

    void recentWorkspacesAreRemembered()
    {
        const QString second = m_dir->path() + u"/second";
        QVERIFY(copyTree(m_root, second));
        m_window->openWorkspace(m_root);
        m_window->openWorkspace(second);
        QCOMPARE(m_window->recentWorkspaces(), QStringList({second, m_root}));
        m_window->openWorkspace(m_root);
        QCOMPARE(m_window->recentWorkspaces(), QStringList({m_root, second}));

        MainWindow again;
        QStringList listed;
        for (QAction* action : again.recentMenu()->actions()) {
            if (!action->data().toString().isEmpty())
                listed.append(action->data().toString());
        }
        QCOMPARE(listed, QStringList({m_root, second}));

        for (int i = 0; i < MainWindow::kMaxRecentWorkspaces + 3; ++i) {
            const QString extra = m_dir->path() + QStringLiteral("/extra%1").arg(i);
            QDir().mkpath(extra);
            m_window->openWorkspace(extra);
        }
        QCOMPARE(m_window->recentWorkspaces().size(), MainWindow::kMaxRecentWorkspaces);
    }

    void geometryIsRestored()
    {
        m_window->resize(1000, 700);
        QTRY_COMPARE(m_window->size(), QSize(1000, 700));
        m_window->close();
        MainWindow again;
        QCOMPARE(again.size(), QSize(1000, 700));
    }

private:
    void openManifest()
    {
        m_window->openWorkspace(m_root);
        m_tab->openFile(m_manifest);
        QTRY_COMPARE_WITH_TIMEOUT(m_tab->currentFile(), m_manifest, kTimeoutMs);
    }

    bool squiggleAt(int line, int column) const
    {
        const auto selections = m_tab->editor()->findingSelections();
        return std::any_of(selections.begin(), selections.end(), [&](const auto& selection) {
            return selection.cursor.blockNumber() + 1 == line &&
                   selection.cursor.selectionStart() - selection.cursor.block().position() + 1 ==
                       column;
        });
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    InfrastructureTab* m_tab = nullptr;
    QString m_root;
    QString m_manifest;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
