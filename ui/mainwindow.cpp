// The main window's menus, status line and remembered state.
#include "mainwindow.h"

#include "aboutdialog.h"
#include "alertsview.h"
#include "deploymentstab.h"
#include "desktopnotifier.h"
#include "diagnosticsmodel.h"
#include "dockerstatuslabel.h"
#include "infrastructuretab.h"
#include "metricsstore.h"
#include "metricstab.h"
#include "pipelinestab.h"
#include "session/workspacesession.h"
#include "yamleditor.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>

#include <utility>

namespace launchdeck {

namespace {

const QString kGeometryKey = QStringLiteral("window/geometry");
const QString kStateKey = QStringLiteral("window/state");
const QString kInfrastructureLayoutKey = QStringLiteral("window/infrastructureLayout");
const QString kRecentKey = QStringLiteral("recentWorkspaces");
const QString kTabKey = QStringLiteral("window/tab");

} // namespace

MainWindow::MainWindow(const QString& dataDir, QWidget* parent)
    : QMainWindow(parent)
    // The same data folder as the `launchdeck` commands, so both see one history.
    , m_dataDir(dataDir.isEmpty()
                    ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                    : dataDir)
    , m_tabs(new QTabWidget(this))
    , m_infrastructurePage(new QWidget(this))
    , m_pipelinesPage(new QWidget(this))
    , m_metricsPage(new QWidget(this))
    , m_workspaceLabel(new QLabel(this))
    , m_levelLabel(new QLabel(this))
    , m_countsLabel(new QLabel(this))
    , m_busyLabel(new QLabel(this))
    , m_cursorLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("MainWindow"));
    m_tabs->setDocumentMode(true);
    // Tabs not shown at launch are built once the window has painted, or when first wanted:
    // building them was most of the time to the first paint. Stand-ins hold their places.
    m_tabs->addTab(m_infrastructurePage, tr("Infrastructure"));
    m_tabs->addTab(m_pipelinesPage, tr("Pipelines"));
    m_metricsStore = new MetricsStore(MetricsStore::kDefaultCapacity,
                                      MetricsStore::kDefaultMarkerCapacity, this);
    m_tabs->addTab(m_metricsPage, tr("Live Metrics"));
    // The alerts view is built with Live Metrics (after the first paint, before a session);
    // the status bar keeps its place for the label that follows it.
    m_desktopNotifier = new DesktopNotifier(this);
    m_alertsLabel = new QLabel(this);
    m_alertsLabel->setObjectName(QStringLiteral("alertsFiringLabel"));
    m_alertsLabel->hide();
    connect(m_alertsLabel, &QLabel::linkActivated, this, &MainWindow::showAlerts);
    connect(m_desktopNotifier, &DesktopNotifier::notified, this,
            [this](const QString& title) { statusBar()->showMessage(title, 10'000); });
    connect(m_desktopNotifier, &DesktopNotifier::activated, this, &MainWindow::showAlerts);
    // First, over the engine.
    m_deployments = new DeploymentsTab(m_metricsStore, this);
    m_tabs->insertTab(0, m_deployments, tr("Deployments"));
    m_dockerStatus = new DockerStatusLabel(this);
    setCentralWidget(m_tabs);

    createActions();
    createStatusBar();

    restoreSettings();
    ensureTab(m_tabs->currentIndex());
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::ensureTab);
    updateTitle();
    updateCounts();
}

void MainWindow::ensureTab(int index)
{
    const QWidget* page = m_tabs->widget(index);
    if (page && page == m_infrastructurePage)
        ensureInfrastructure();
    else if (page && page == m_pipelinesPage)
        ensurePipelines();
    else if (page && page == m_metricsPage)
        ensureMetrics();
}

void MainWindow::replaceStandIn(QWidget*& standIn, QWidget* page)
{
    const int index = m_tabs->indexOf(standIn);
    const bool current = m_tabs->currentIndex() == index;
    m_tabs->insertTab(index, page, m_tabs->tabText(index));
    m_tabs->setTabToolTip(index, m_tabs->tabToolTip(index + 1));
    if (current)
        m_tabs->setCurrentIndex(index);
    m_tabs->removeTab(index + 1);
    delete std::exchange(standIn, nullptr);
}

PipelinesTab* MainWindow::pipelinesTab()
{
    ensurePipelines();
    return m_pipelines;
}

void MainWindow::ensurePipelines()
{
    if (m_pipelines)
        return;
    m_pipelines = new PipelinesTab(this);
    replaceStandIn(m_pipelinesPage, m_pipelines);
    if (m_session)
        m_pipelines->setSession(m_session);
}

MetricsTab* MainWindow::metricsTab()
{
    ensureMetrics();
    return m_metrics;
}

void MainWindow::ensureMetrics()
{
    if (m_metrics)
        return;
    m_metrics = new MetricsTab(m_metricsStore, this);
    replaceStandIn(m_metricsPage, m_metrics);
    m_alertsView = new AlertsView(this);
    m_alertsView->followWithStatusLabel(m_alertsLabel);
    m_metrics->addView(m_alertsView, tr("Alerts"));
    if (m_session) {
        m_metrics->setSession(m_session);
        m_alertsView->setSession(m_session);
    }
}

AlertsView* MainWindow::alertsView()
{
    ensureMetrics();
    return m_alertsView;
}

InfrastructureTab* MainWindow::infrastructureTab()
{
    ensureInfrastructure();
    return m_infrastructure;
}

void MainWindow::ensureInfrastructure()
{
    if (m_infrastructure)
        return;
    m_infrastructure = new InfrastructureTab(this);
    replaceStandIn(m_infrastructurePage, m_infrastructure);

    connect(m_infrastructure, &InfrastructureTab::workspaceOpened, this, [this] {
        m_workspaceLabel->setText(tr("Workspace: %1").arg(m_infrastructure->workspaceName()));
        m_workspaceLabel->setToolTip(QDir::toNativeSeparators(m_infrastructure->workspaceRoot()));
        updateTitle();
    });
    connect(m_infrastructure, &InfrastructureTab::fileOpened, this, &MainWindow::updateTitle);
    connect(m_infrastructure, &InfrastructureTab::modificationChanged, this,
            &MainWindow::updateTitle);
    connect(m_infrastructure, &InfrastructureTab::environmentChanged, this,
            &MainWindow::updateLevel);
    connect(m_infrastructure, &InfrastructureTab::validationBusyChanged, m_busyLabel,
            &QWidget::setVisible);
    connect(m_infrastructure->diagnostics(), &DiagnosticsModel::countsChanged, this,
            &MainWindow::updateCounts);
    connect(m_infrastructure->editor(), &QPlainTextEdit::cursorPositionChanged, this,
            &MainWindow::updateCursor);

    m_infrastructure->restoreLayout(QSettings().value(kInfrastructureLayoutKey).toByteArray());
    if (m_session)
        infrastructureTab()->setSession(m_session);
    updateTitle();
    updateCounts();
}

MainWindow::~MainWindow()
{
    // The tabs let go of the session's connections before it goes.
    m_deployments->setSession(nullptr);
    if (m_pipelines)
        m_pipelines->setSession(nullptr);
    if (m_infrastructure)
        m_infrastructure->setSession(nullptr);
    if (m_metrics)
        m_metrics->setSession(nullptr);
    if (m_alertsView)
        m_alertsView->setSession(nullptr);
    m_desktopNotifier->setSession(nullptr);
    m_dockerStatus->setHosts({});
    if (!m_session)
        return;
    // Work left running is never waited for here: the session ends with it, or with the process
    // (whose next start reconciles what it cut off).
    if (m_session->isBusy())
        m_session->closeWhenIdle(false);
    else
        delete m_session;
}

void MainWindow::createStatusBar()
{
    m_busyLabel->setText(tr("Validating…"));
    m_busyLabel->hide();
    for (QLabel* label :
         {m_workspaceLabel, m_levelLabel, m_busyLabel, m_cursorLabel, m_countsLabel})
        label->setContentsMargins(6, 0, 6, 0);
    auto separator = [this] {
        auto* line = new QFrame(this);
        line->setFrameShape(QFrame::VLine);
        line->setFrameShadow(QFrame::Sunken);
        return line;
    };
    statusBar()->addWidget(m_workspaceLabel);
    statusBar()->addWidget(separator());
    statusBar()->addWidget(m_levelLabel);
    // Labels that show and hide themselves are permanent: a temporary message hides the normal
    // widgets, and one of them showing itself meanwhile would be drawn across the message.
    statusBar()->addPermanentWidget(m_busyLabel);
    statusBar()->addPermanentWidget(m_alertsLabel);
    statusBar()->addPermanentWidget(m_dockerStatus);
    statusBar()->addPermanentWidget(m_cursorLabel);
    statusBar()->addPermanentWidget(separator());
    statusBar()->addPermanentWidget(m_countsLabel);
    m_workspaceLabel->setText(tr("No workspace"));
}

void MainWindow::showAlerts()
{
    showTab(m_tabs->indexOf(metricsTab()));
    m_metrics->showView(alertsView());
}

void MainWindow::chooseWorkspace()
{
    // A non-blocking dialog: the window keeps repainting and validating behind it.
    auto* dialog = new QFileDialog(this, tr("Open Workspace"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::Directory);
    dialog->setOption(QFileDialog::ShowDirsOnly);
    if (!infrastructureTab()->workspaceRoot().isEmpty())
        dialog->setDirectory(QFileInfo(infrastructureTab()->workspaceRoot()).absolutePath());
    connect(dialog, &QFileDialog::fileSelected, this, &MainWindow::openWorkspace);
    dialog->open();
}

void MainWindow::openWorkspace(const QString& root)
{
    const QString absolute = QFileInfo(root).absoluteFilePath();
    infrastructureTab()->confirmLeave([this, absolute] { switchWorkspace(absolute); });
}

void MainWindow::switchWorkspace(const QString& root)
{
    if (!m_session || !m_session->isBusy()) {
        replaceSession(root, false);
        return;
    }
    askAboutWork(tr("Open Workspace"),
                 tr("%1 has %2 and %3 running.")
                     .arg(m_session->name(),
                          tr("%n deployment(s)", nullptr, m_session->runningDeployments()),
                          tr("%n pipeline run(s)", nullptr, m_session->runningPipelines())),
                 {{QStringLiteral("keepButton"), tr("&Keep Them Running")},
                  {QStringLiteral("cancelButton"), tr("&Cancel Them")}},
                 tr("&Stay in This Workspace"), [this, root](const QString& answer) {
                     if (answer == u"keepButton" || answer == u"cancelButton")
                         replaceSession(root, answer == u"cancelButton");
                 });
}

void MainWindow::replaceSession(const QString& root, bool cancelOld)
{
    WorkspaceSession* previous = std::exchange(m_session, nullptr);
    SessionOptions options;
    options.root = root;
    options.dataDir = m_dataDir;
    m_session = new WorkspaceSession(options);
    // The tabs move first: the previous session's connections are let go of before it goes.
    m_deployments->setSession(m_session);
    if (m_pipelines)
        m_pipelines->setSession(m_session);
    infrastructureTab()->setSession(m_session);
    if (m_metrics)
        m_metrics->setSession(m_session);
    if (m_alertsView)
        m_alertsView->setSession(m_session);
    m_desktopNotifier->setSession(m_session);
    m_dockerStatus->setHosts({});
    connect(m_session, &WorkspaceSession::hostsChanged, this,
            [this](const QList<DockerHost*>& hosts) {
                m_dockerStatus->setHosts(hosts);
                for (const QString& problem : m_session->connectionProblems())
                    statusBar()->showMessage(problem, 10'000);
            });
    if (previous) {
        if (previous->isBusy())
            statusBar()->showMessage(
                cancelOld ? tr("The work of %1 is being cancelled.").arg(previous->name())
                          : tr("The work of %1 goes on until it ends.").arg(previous->name()),
                10'000);
        // Never waited for here: it goes once its work has ended.
        m_retired.removeAll(nullptr); // those whose work has ended are gone
        if (previous->isBusy())
            m_retired.append(previous);
        previous->closeWhenIdle(cancelOld);
    }
    m_session->open();
    rememberWorkspace(root);
}

void MainWindow::askAboutWork(const QString& title, const QString& text,
                              const QList<std::pair<QString, QString>>& choices,
                              const QString& stayLabel,
                              std::function<void(const QString&)> answered)
{
    if (m_question)
        return;
    m_question = new QMessageBox(QMessageBox::Question, title, text, QMessageBox::NoButton, this);
    m_question->setObjectName(QStringLiteral("workQuestion"));
    m_question->setAttribute(Qt::WA_DeleteOnClose);
    m_question->setInformativeText(
        tr("A deployment cancelled after traffic moved rolls back first."));
    for (const auto& [name, label] : choices) {
        QPushButton* button = m_question->addButton(label, QMessageBox::AcceptRole);
        button->setObjectName(name);
    }
    QPushButton* stay = m_question->addButton(stayLabel, QMessageBox::RejectRole);
    stay->setObjectName(QStringLiteral("stayButton"));
    m_question->setDefaultButton(stay);
    QMessageBox* box = m_question;
    connect(box, &QMessageBox::finished, this, [this, box, answered](int) {
        m_question = nullptr;
        answered(box->clickedButton() ? box->clickedButton()->objectName() : QString());
    });
    box->open();
}

QList<WorkspaceSession*> MainWindow::busySessions() const
{
    QList<WorkspaceSession*> busy;
    if (m_session && m_session->isBusy())
        busy.append(m_session);
    for (const QPointer<WorkspaceSession>& retired : m_retired) {
        if (retired && retired->isBusy())
            busy.append(retired.data());
    }
    return busy;
}

void MainWindow::askBeforeClosing()
{
    int deployments = 0;
    int runs = 0;
    for (const WorkspaceSession* session : busySessions()) {
        deployments += session->runningDeployments();
        runs += session->runningPipelines();
    }
    askAboutWork(tr("Quit"),
                 tr("%1 and %2 are running.")
                     .arg(tr("%n deployment(s)", nullptr, deployments),
                          tr("%n pipeline run(s)", nullptr, runs)),
                 {{QStringLiteral("waitButton"), tr("&Wait for Them")},
                  {QStringLiteral("cancelButton"), tr("&Cancel Them")},
                  {QStringLiteral("leaveButton"), tr("&Leave Them to the Next Start")}},
                 tr("Keep the Window &Open"), [this](const QString& answer) {
                     if (answer == u"waitButton") {
                         closeWhenIdle();
                     } else if (answer == u"cancelButton") {
                         for (WorkspaceSession* session : busySessions())
                             session->cancelAll();
                         closeWhenIdle();
                     } else if (answer == u"leaveButton") {
                         // Ended with the process; the next start reconciles the deployments
                         // (traffic back on the last good revision) and ends the runs' steps.
                         m_leaveWorkRunning = true;
                         QTimer::singleShot(0, this, [this] { close(); });
                     }
                 });
}

void MainWindow::closeWhenIdle()
{
    m_closingWhenIdle = true;
    statusBar()->showMessage(tr("Launchdeck closes once the running work has ended…"));
    // Each session's end tries again; closeEvent() lets the window go once none is busy.
    for (WorkspaceSession* session : busySessions())
        connect(session, &WorkspaceSession::idle, this, &QWidget::close, Qt::UniqueConnection);
    if (busySessions().isEmpty())
        QTimer::singleShot(0, this, [this] { close(); });
}

void MainWindow::openWorkspaceWhenShown(const QString& root)
{
    if (m_painted)
        openWorkspace(root);
    else
        m_pendingWorkspace = root;
}

bool MainWindow::event(QEvent* event)
{
    const bool handled = QMainWindow::event(event);
    if (event->type() == QEvent::Paint && !m_painted) {
        m_painted = true;
        // Queued: the first frame is finished and shown before the work starts.
        QTimer::singleShot(0, this, [this] {
            Q_EMIT firstPainted();
            ensureInfrastructure();
            ensurePipelines();
            ensureMetrics();
            if (!m_pendingWorkspace.isEmpty())
                openWorkspace(std::exchange(m_pendingWorkspace, {}));
        });
    }
    return handled;
}

QStringList MainWindow::recentWorkspaces() const
{
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::rememberWorkspace(const QString& root)
{
    QStringList recent = recentWorkspaces();
    recent.removeAll(root);
    recent.prepend(root);
    while (recent.size() > kMaxRecentWorkspaces)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentWorkspaces();
    for (qsizetype i = 0; i < recent.size(); ++i) {
        const QString root = recent.at(i);
        // Number the first nine for keyboard access, as desktop applications do.
        const QString label =
            i < 9 ? QStringLiteral("&%1  %2").arg(i + 1).arg(QDir::toNativeSeparators(root))
                  : QDir::toNativeSeparators(root);
        QAction* action =
            m_recentMenu->addAction(label, this, [this, root] { openWorkspace(root); });
        action->setData(root);
    }
    m_recentMenu->addSeparator();
    QAction* clear = m_recentMenu->addAction(tr("&Clear List"), this, [this] {
        QSettings().remove(kRecentKey);
        rebuildRecentMenu();
    });
    clear->setEnabled(!recent.isEmpty());
    m_recentMenu->setEnabled(true);
}

void MainWindow::updateTitle()
{
    const QString file = m_infrastructure ? m_infrastructure->currentFile() : QString();
    const QString workspace = m_infrastructure ? m_infrastructure->workspaceName() : QString();
    QString title;
    if (!file.isEmpty())
        title = QFileInfo(file).fileName() + QStringLiteral("[*] — ");
    if (!workspace.isEmpty())
        title += workspace + QStringLiteral(" — ");
    setWindowTitle(title + QStringLiteral("Launchdeck"));
    setWindowModified(m_infrastructure && m_infrastructure->isModified());
    m_saveAction->setEnabled(!file.isEmpty());
    m_revertAction->setEnabled(!file.isEmpty());
    updateCursor();
}

void MainWindow::updateCounts()
{
    const DiagnosticsModel* model = m_infrastructure ? m_infrastructure->diagnostics() : nullptr;
    m_countsLabel->setText(tr("Errors: %1  Warnings: %2")
                               .arg(model ? model->errorCount() : 0)
                               .arg(model ? model->warningCount() : 0));
}

void MainWindow::updateLevel(const QString& environment, ValidationLevel level)
{
    m_levelLabel->setText(
        environment.isEmpty()
            ? tr("Validation: %1").arg(validationLevelName(level))
            : tr("Validation: %1 (%2)").arg(validationLevelName(level), environment));
}

void MainWindow::updateCursor()
{
    if (!m_infrastructure || m_infrastructure->currentFile().isEmpty()) {
        m_cursorLabel->clear();
        return;
    }
    const YamlEditor* editor = m_infrastructure->editor();
    m_cursorLabel->setText(
        tr("Ln %1, Col %2").arg(editor->currentLine()).arg(editor->currentColumn()));
}

void MainWindow::showAbout()
{
    auto* dialog = new AboutDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    if (m_infrastructure) // else the layout restored last is still the one to keep
        settings.setValue(kInfrastructureLayoutKey, m_infrastructure->saveLayout());
    settings.setValue(kTabKey, m_tabs->currentIndex());
}

void MainWindow::restoreSettings()
{
    const QSettings settings;
    if (!restoreGeometry(settings.value(kGeometryKey).toByteArray())) {
        // First run: most of the screen, centred.
        const QRect available = screen()->availableGeometry();
        resize(available.size() * 0.85);
        move(available.center() - rect().center());
    }
    restoreState(settings.value(kStateKey).toByteArray());
    // The tab used last; the deployments on the first run.
    const int tab = settings.value(kTabKey, m_tabs->indexOf(m_deployments)).toInt();
    m_tabs->setCurrentIndex(tab >= 0 && tab < m_tabs->count() ? tab
                                                              : m_tabs->indexOf(m_deployments));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!m_closeConfirmed && m_infrastructure && m_infrastructure->isModified()) {
        event->ignore();
        m_infrastructure->confirmLeave([this] {
            m_closeConfirmed = true;
            // Not from inside the guard's own callback: close once it has returned.
            QTimer::singleShot(0, this, [this] { close(); });
        });
        return;
    }
    // Running work is asked about, and a close waiting for it goes on once it has ended; the
    // window never blocks on it.
    if (!busySessions().isEmpty() && !m_leaveWorkRunning) {
        event->ignore();
        if (!m_closingWhenIdle)
            askBeforeClosing();
        return;
    }
    saveSettings();
    event->accept();
}

} // namespace launchdeck
