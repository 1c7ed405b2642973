// The console by keyboard alone: the main tabs switch from wherever the focus is (item views and
// the YAML editor included) and wrap around, Alt+1…4 jump to them, the shown tab's first control
// takes the focus, Tab walks the controls in reading order, and every button of every tab and
// of the Deploy and Rollback dialogs has a key, with no key claimed twice within one window.
#include "bannerwidget.h"
#include "deploydialog.h"
#include "deploymentprogressview.h"
#include "deploymentstab.h"
#include "dockercontainerspage.h"
#include "dockerimagespage.h"
#include "dockerpanel.h"
#include "fakes/testfiles.h"
#include "findreplacebar.h"
#include "infrastructuretab.h"
#include "logview.h"
#include "mainwindow.h"
#include "metricspicker.h"
#include "metricstab.h"
#include "pipelinestab.h"
#include "rollbackdialog.h"
#include "runview.h"
#include "yamleditor.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMap>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>

using namespace launchdeck;

namespace {

constexpr int kTimeoutMs = 60000;

enum Tab { Deployments, Infrastructure, Pipelines, Metrics, TabCount };

// Where the focus is when the keys are pressed.
enum class Place { Matrix, RunsTable, PipelineList, YamlEditor, MetricsPicker, MetricsWindow };

using test::copyTree;
using test::readFile;
using test::writeFile;

QString describe(const QObject* object)
{
    QString text;
    if (const auto* button = qobject_cast<const QAbstractButton*>(object))
        text = button->text().isEmpty() ? button->toolTip() : button->text();
    else if (const auto* action = qobject_cast<const QAction*>(object))
        text = action->text();
    else if (const auto* label = qobject_cast<const QLabel*>(object))
        text = label->text();
    return QStringLiteral("%1 \"%2\"%3")
        .arg(QString::fromLatin1(object->metaObject()->className()), text,
             object->objectName().isEmpty() ? QString() : u" #"_qs + object->objectName());
}

// Buttons that belong to a Qt widget's own machinery (a line edit's clear button, a table's
// corner button, a tab bar's scroll and close buttons, a toolbar's overflow): Qt gives them their
// keys, or none is expected.
bool isInternal(const QAbstractButton* button)
{
    const QWidget* parent = button->parentWidget();
    return qobject_cast<const QLineEdit*>(parent) ||
           qobject_cast<const QAbstractItemView*>(parent) || qobject_cast<const QTabBar*>(parent) ||
           button->objectName() == u"qt_toolbar_ext_button";
}

bool isActive(const QAction* action);

// A visible widget, or a closed menu that the menu bar opens.
bool isReachable(const QObject* object)
{
    if (const auto* menu = qobject_cast<const QMenu*>(object))
        return menu->isVisible() || isActive(menu->menuAction());
    const auto* widget = qobject_cast<const QWidget*>(object);
    return widget && widget->isVisible();
}

bool isActive(const QAction* action)
{
    const QList<QObject*> objects = action->associatedObjects();
    return std::any_of(objects.begin(), objects.end(), isReachable);
}

// Every key that reaches something in `window` as it is shown now, with what it reaches.
QMap<QString, QStringList> keysOf(QWidget* window)
{
    QMap<QString, QStringList> keys;
    const auto add = [&keys](const QKeySequence& key, const QObject* owner) {
        if (!key.isEmpty())
            keys[key.toString(QKeySequence::PortableText)].append(describe(owner));
    };
    if (auto* main = qobject_cast<QMainWindow*>(window)) {
        for (const QAction* menu : main->menuBar()->actions())
            add(QKeySequence::mnemonic(menu->text()), menu);
    }
    for (const QAction* action : window->findChildren<QAction*>()) {
        if (isActive(action))
            for (const QKeySequence& key : action->shortcuts())
                add(key, action);
    }
    for (const QShortcut* shortcut : window->findChildren<QShortcut*>()) {
        const auto* parent = qobject_cast<const QWidget*>(shortcut->parent());
        if (shortcut->isEnabled() && parent && parent->isVisible())
            add(shortcut->key(), shortcut);
    }
    for (const QAbstractButton* button : window->findChildren<QAbstractButton*>()) {
        if (!button->isVisible() || isInternal(button))
            continue;
        add(button->shortcut(), button);
    }
    for (const QLabel* label : window->findChildren<QLabel*>()) {
        if (label->isVisible() && label->buddy())
            add(QKeySequence::mnemonic(label->text()), label);
    }
    for (const QGroupBox* box : window->findChildren<QGroupBox*>()) {
        if (box->isVisible())
            add(QKeySequence::mnemonic(box->title()), box);
    }
    for (const QTabBar* bar : window->findChildren<QTabBar*>()) {
        if (!bar->isVisible())
            continue;
        for (int i = 0; i < bar->count(); ++i)
            add(QKeySequence::mnemonic(bar->tabText(i)), bar);
    }
    return keys;
}

// The text a button shows, where a mnemonic is underlined; empty when it shows an icon only.
QString shownText(const QAbstractButton* button)
{
    if (const auto* tool = qobject_cast<const QToolButton*>(button)) {
        // An icon-only button without an icon shows its text after all.
        if (tool->arrowType() != Qt::NoArrow ||
            (tool->toolButtonStyle() == Qt::ToolButtonIconOnly && !tool->icon().isNull()))
            return {};
    }
    return button->text();
}

// Each visible button has a key; a key not underlined in its text is named in its tooltip; no
// key reaches two things in the window.
void verifyKeys(QWidget* window, const char* where)
{
    QStringList problems;
    int buttons = 0;
    for (const QAbstractButton* button : window->findChildren<QAbstractButton*>()) {
        if (!button->isVisible() || isInternal(button))
            continue;
        ++buttons;
        QKeySequence key = button->shortcut();
        const auto* tool = qobject_cast<const QToolButton*>(button);
        if (key.isEmpty() && tool && tool->defaultAction())
            key = tool->defaultAction()->shortcut();
        if (key.isEmpty()) {
            problems.append(QStringLiteral("no key: %1").arg(describe(button)));
            continue;
        }
        const QString native = key.toString(QKeySequence::NativeText);
        if (QKeySequence::mnemonic(shownText(button)) != key && !button->toolTip().contains(native))
            problems.append(QStringLiteral("%1 is not shown: %2").arg(native, describe(button)));
    }
    const QMap<QString, QStringList> keys = keysOf(window);
    for (auto it = keys.begin(); it != keys.end(); ++it) {
        if (it.value().size() > 1)
            problems.append(
                QStringLiteral("%1 reaches %2").arg(it.key(), it.value().join(u" and ")));
    }
    QVERIFY2(buttons > 0, where);
    QVERIFY2(problems.isEmpty(),
             qPrintable(QStringLiteral("%1:\n  %2")
                            .arg(QLatin1String(where), problems.join(QStringLiteral("\n  ")))));
}

} // namespace

class TestKeyboard final : public QObject
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
        m_window.reset(new MainWindow);
        m_tabs = qobject_cast<QTabWidget*>(m_window->centralWidget());
        QVERIFY(m_tabs);
        QCOMPARE(m_tabs->widget(Deployments), m_window->deploymentsTab());
        QCOMPARE(m_tabs->widget(Infrastructure), m_window->infrastructureTab());
        QCOMPARE(m_tabs->widget(Pipelines), m_window->pipelinesTab());
        QCOMPARE(m_tabs->widget(Metrics), m_window->metricsTab());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QSignalSpy opened(m_window->infrastructureTab(), &InfrastructureTab::workspaceOpened);
        m_window->openWorkspace(m_root);
        QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, kTimeoutMs);
    }

    void cleanup()
    {
        if (m_window)
            m_window->infrastructureTab()->editor()->document()->setModified(false);
        m_window.reset();
        m_dir.reset();
    }

    void tabKeysSwitchFromAnywhere_data()
    {
        QTest::addColumn<Place>("place");
        QTest::newRow("deployments matrix") << Place::Matrix;
        QTest::newRow("pipelines runs table") << Place::RunsTable;
        QTest::newRow("pipelines list") << Place::PipelineList;
        QTest::newRow("yaml editor") << Place::YamlEditor;
        QTest::newRow("metrics containers") << Place::MetricsPicker;
        QTest::newRow("metrics window box") << Place::MetricsWindow;
    }

    void tabKeysSwitchFromAnywhere()
    {
        QFETCH(Place, place);
        const struct
        {
            QKeyCombination key;
            int step;
        } presses[] = {{Qt::CTRL | Qt::Key_Tab, 1},
                       {Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab, -1},
                       {Qt::CTRL | Qt::SHIFT | Qt::Key_Tab, -1},
                       {Qt::CTRL | Qt::Key_PageDown, 1},
                       {Qt::CTRL | Qt::Key_PageUp, -1}};
        for (const auto& press : presses) {
            QWidget* focus = focusOn(place);
            QVERIFY(focus);
            const int from = m_tabs->currentIndex();
            const QString text = editorText();
            QTest::keyClick(focus, press.key.key(), press.key.keyboardModifiers());
            const int expected = (from + press.step + TabCount) % TabCount;
            QVERIFY2(m_tabs->currentIndex() == expected,
                     qPrintable(QStringLiteral("%1 from tab %2 with the focus in %3: tab %4, "
                                               "expected %5")
                                    .arg(QKeySequence(press.key).toString())
                                    .arg(from)
                                    .arg(describe(focus))
                                    .arg(m_tabs->currentIndex())
                                    .arg(expected)));
            // The editor takes no part of the key.
            QCOMPARE(editorText(), text);
            QVERIFY(!m_window->infrastructureTab()->isModified());
        }
    }

    void altDigitJumpsToTheTab_data() { tabKeysSwitchFromAnywhere_data(); }

    void altDigitJumpsToTheTab()
    {
        QFETCH(Place, place);
        for (int tab = 0; tab < TabCount; ++tab) {
            QWidget* focus = focusOn(place);
            QVERIFY(focus);
            const QString text = editorText();
            QTest::keyClick(focus, Qt::Key(Qt::Key_1 + tab), Qt::AltModifier);
            QCOMPARE(m_tabs->currentIndex(), tab);
            QCOMPARE(editorText(), text);
            // Said where the user looks for it.
            const QString key =
                QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + tab)).toString(QKeySequence::NativeText);
            QVERIFY2(m_tabs->tabToolTip(tab).contains(key), qPrintable(m_tabs->tabToolTip(tab)));
        }
    }

    void keyboardSwitchFocusesTheTab()
    {
        m_tabs->setCurrentIndex(Metrics);
        m_window->metricsTab()->windowBox()->setFocus();
        QTRY_VERIFY(m_window->metricsTab()->windowBox()->hasFocus());
        // A tab not visited yet: its first control.
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_1, Qt::AltModifier);
        QTRY_VERIFY(m_window->deploymentsTab()->matrixView()->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab, Qt::ControlModifier);
        QCOMPARE(m_tabs->currentIndex(), int(Infrastructure));
        QTRY_VERIFY(m_window->infrastructureTab()->fileTree()->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_PageDown, Qt::ControlModifier);
        QTRY_VERIFY(m_window->pipelinesTab()->pipelineList()->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_PageDown, Qt::ControlModifier);
        QTRY_VERIFY(m_window->metricsTab()->isAncestorOf(QApplication::focusWidget()));
        // Back to a tab used before: where its focus was left.
        m_tabs->setCurrentIndex(Pipelines);
        m_window->pipelinesTab()->runsFilterField()->setFocus();
        QTRY_VERIFY(m_window->pipelinesTab()->runsFilterField()->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_1, Qt::AltModifier);
        QTRY_VERIFY(m_window->deploymentsTab()->matrixView()->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_3, Qt::AltModifier);
        QTRY_VERIFY(m_window->pipelinesTab()->runsFilterField()->hasFocus());
    }

    void tabWalksTheControlsInReadingOrder()
    {
        m_tabs->setCurrentIndex(Metrics);
        MetricsTab* metrics = m_window->metricsTab();
        const QList<QWidget*> bar = {metrics->windowBox(), metrics->pauseButton()};
        metrics->windowBox()->setFocus();
        QTRY_VERIFY(metrics->windowBox()->hasFocus());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), metrics->pauseButton());
        // Along the bar, then down into the containers.
        for (int i = 0; i < 3; ++i)
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), metrics->picker()->filterField());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), metrics->picker()->view());

        // The log's bar comes before its lines, as on the screen.
        m_tabs->setCurrentIndex(Pipelines);
        LogView* log = m_window->pipelinesTab()->runView()->findChild<LogView*>();
        QVERIFY(log);
        QLineEdit* search = log->findChild<QLineEdit*>();
        QVERIFY(search);
        search->setFocus();
        QTRY_VERIFY(search->hasFocus());
        QWidget* previous = nullptr;
        for (int i = 0; i < 12 && !qobject_cast<QAbstractItemView*>(QApplication::focusWidget());
             ++i) {
            previous = QApplication::focusWidget();
            QTest::keyClick(previous, Qt::Key_Tab);
        }
        QVERIFY2(qobject_cast<QAbstractItemView*>(QApplication::focusWidget()) &&
                     log->isAncestorOf(QApplication::focusWidget()),
                 qPrintable(describe(QApplication::focusWidget())));
        // The copy button is the bar's last control, right before the lines.
        QVERIFY2(qobject_cast<QToolButton*>(previous), qPrintable(describe(previous)));
    }

    void everyButtonHasAKey()
    {
        for (int tab = 0; tab < TabCount; ++tab) {
            m_tabs->setCurrentIndex(tab);
            QTest::qWait(10);
            verifyKeys(m_window.get(), qPrintable(m_tabs->tabText(tab)));
        }

        // With what shows only at times: banners, the find and replace bar.
        m_window->deploymentsTab()->banner()->showMessage(QStringLiteral("a message"));
        m_window->pipelinesTab()->banner()->showMessage(QStringLiteral("a message"));
        InfrastructureTab* infrastructure = m_window->infrastructureTab();
        infrastructure->banner()->showMessage(QStringLiteral("a message"));
        infrastructure->dockerPanel()->banner()->showMessage(QStringLiteral("a message"));
        m_tabs->setCurrentIndex(Deployments);
        verifyKeys(m_window.get(), "Deployments with a banner");
        m_tabs->setCurrentIndex(Pipelines);
        verifyKeys(m_window.get(), "Pipelines with a banner");
        m_tabs->setCurrentIndex(Infrastructure);
        infrastructure->showDocker(false);
        const QString manifest = m_root + u"/manifests/web.yaml";
        infrastructure->openFile(manifest);
        QTRY_COMPARE_WITH_TIMEOUT(infrastructure->currentFile(), manifest, kTimeoutMs);
        infrastructure->showReplace();
        QVERIFY(infrastructure->findBar()->isVisible());
        verifyKeys(m_window.get(), "Infrastructure, editing with find and replace");

        // The Docker section: the workspace's host (not reachable here) with each page, and a
        // container's log.
        infrastructure->showDocker(true);
        DockerPanel* docker = infrastructure->dockerPanel();
        QTRY_VERIFY_WITH_TIMEOUT(!docker->hosts().isEmpty(), kTimeoutMs);
        docker->showHost(docker->hosts().constFirst(), DockerPanel::Page::Containers);
        QVERIFY(docker->containersPage()->isVisible());
        verifyKeys(m_window.get(), "Infrastructure, Docker containers");
        docker->showHost(docker->hosts().constFirst(), DockerPanel::Page::Images);
        QVERIFY(docker->imagesPage()->isVisible());
        verifyKeys(m_window.get(), "Infrastructure, Docker images");
        docker->openLogs(QStringLiteral("0123456789ab"), QStringLiteral("web"));
        QCOMPARE(docker->tabs()->count(), 2);
        docker->tabs()->setCurrentIndex(1);
        verifyKeys(m_window.get(), "Infrastructure, a container's log");
    }

    void everyDialogButtonHasAKey()
    {
        DeploymentsTab* tab = m_window->deploymentsTab();
        QTRY_VERIFY_WITH_TIMEOUT(tab->isReady(), kTimeoutMs);
        tab->selectPair(QStringLiteral("web"), QStringLiteral("production"));
        QCOMPARE(tab->selectedEnvironment(), u"production"_qs);

        QPointer<DeployDialog> deploy = tab->openDeployDialog();
        QVERIFY(deploy);
        QVERIFY(QTest::qWaitForWindowExposed(deploy));
        QVERIFY(deploy->protection()->isVisible());
        verifyKeys(deploy, "Deploy dialog");
        deploy->reject();
        QTRY_VERIFY(!deploy);

        QPointer<RollbackDialog> rollback = tab->openRollbackDialog();
        QVERIFY(rollback);
        QVERIFY(QTest::qWaitForWindowExposed(rollback));
        QVERIFY(rollback->protection()->isVisible());
        verifyKeys(rollback, "Rollback dialog");
        rollback->reject();
        QTRY_VERIFY(!rollback);
    }

private:
    // Shows the place's tab and gives the place the focus.
    QWidget* focusOn(Place place)
    {
        QWidget* widget = nullptr;
        int tab = 0;
        switch (place) {
        case Place::Matrix: {
            tab = Deployments;
            // A cell of a filled matrix is current, so that the view has somewhere to move.
            QTableView* matrix = m_window->deploymentsTab()->matrixView();
            if (!QTest::qWaitFor([matrix] { return matrix->model()->rowCount() > 0; }, kTimeoutMs))
                return nullptr;
            matrix->setCurrentIndex(matrix->model()->index(0, 0));
            widget = matrix;
            break;
        }
        case Place::RunsTable:
            tab = Pipelines;
            widget = m_window->pipelinesTab()->runsView();
            break;
        case Place::PipelineList:
            tab = Pipelines;
            widget = m_window->pipelinesTab()->pipelineList();
            break;
        case Place::YamlEditor: {
            tab = Infrastructure;
            InfrastructureTab* infrastructure = m_window->infrastructureTab();
            const QString manifest = m_root + u"/manifests/web.yaml";
            if (infrastructure->currentFile() != manifest) {
                infrastructure->openFile(manifest);
                if (!QTest::qWaitFor([&] { return infrastructure->currentFile() == manifest; },
                                     kTimeoutMs))
                    return nullptr;
            }
            widget = infrastructure->editor();
            break;
        }
        case Place::MetricsPicker:
            tab = Metrics;
            widget = m_window->metricsTab()->picker()->view();
            break;
        case Place::MetricsWindow:
            tab = Metrics;
            widget = m_window->metricsTab()->windowBox();
            break;
        }
        m_tabs->setCurrentIndex(tab);
        widget->setFocus(Qt::OtherFocusReason);
        if (!QTest::qWaitFor([widget] { return widget->hasFocus(); }))
            return nullptr;
        return widget;
    }

    QString editorText() const { return m_window->infrastructureTab()->editor()->toPlainText(); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MainWindow> m_window;
    QTabWidget* m_tabs = nullptr;
    QString m_root;
};

QTEST_MAIN(TestKeyboard)
#include "tst_keyboard.moc"
