// Wiring of the Pipelines tab: the runner's signals update the models keyed by run id; the
// history database and files are read only on pool threads, and their answers are dropped
// when the user has moved on.
#include "pipelinestab.h"

#include "bannerwidget.h"
#include "envoverrideseditor.h"
#include "logmodel.h"
#include "logview.h"
#include "pipeline/pipelinerunnerhost.h"
#include "runsfiltermodel.h"
#include "runsmodel.h"
#include "runstatusstyle.h"
#include "runview.h"
#include "session/workspacesession.h"
#include "standardicon.h"
#include "stepsmodel.h"
#include "store/historystore.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace launchdeck {

namespace {

constexpr int kHistoryLimit = 500;
// The live backlog of one run: as many lines as the view holds, in at most 64 MB.
constexpr qsizetype kBacklogBytes = 64 * 1024 * 1024;

} // namespace

PipelinesTab::PipelinesTab(QWidget* parent)
    : QWidget(parent)
    , m_runs(new RunsModel(this))
    , m_runsFilter(new RunsFilterModel(this))
    , m_steps(new StepsModel(this))
    , m_log(new LogModel(kLogCapacity, this))
    , m_banner(new BannerWidget(this))
    , m_pipelines(new QListWidget(this))
    , m_env(new EnvOverridesEditor(this))
    , m_run(new QPushButton(tr("&Run"), this))
    , m_cancel(new QPushButton(tr("&Cancel"), this))
    // Mnemonics clear of the menus' Alt+E and Alt+F.
    , m_rerun(new QPushButton(tr("Re-r&un"), this))
    , m_rerunFailed(new QPushButton(tr("Re-run F&ailed Steps"), this))
    , m_filterText(new QLineEdit(this))
    , m_filterStatus(new QComboBox(this))
    , m_runsView(new QTableView(this))
    , m_runView(new RunView(m_steps, m_log, this))
    , m_historyHint(new QLabel(this))
    , m_tick(new QTimer(this))
{
    m_runsFilter->setSourceModel(m_runs);
    buildLayout();

    connect(m_run, &QPushButton::clicked, this, &PipelinesTab::runSelected);
    connect(m_cancel, &QPushButton::clicked, this, &PipelinesTab::cancelCurrent);
    connect(m_rerun, &QPushButton::clicked, this, [this] { rerunCurrent(false); });
    connect(m_rerunFailed, &QPushButton::clicked, this, [this] { rerunCurrent(true); });
    connect(m_pipelines, &QListWidget::currentRowChanged, this, &PipelinesTab::updateActions);
    connect(m_pipelines, &QListWidget::itemActivated, this, &PipelinesTab::runSelected);
    connect(m_filterText, &QLineEdit::textChanged, m_runsFilter, &RunsFilterModel::setText);
    connect(m_filterStatus, &QComboBox::currentIndexChanged, this, [this](int index) {
        const QVariant status = m_filterStatus->itemData(index);
        m_runsFilter->setStatus(
            status.isValid() ? std::optional<RunStatus>(static_cast<RunStatus>(status.toInt()))
                             : std::nullopt);
    });
    connect(m_runsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid())
                    selectRun(current.data(RunsModel::RunIdRole).toString());
            });
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, [this] {
        m_runs->tick();
        m_steps->tick();
    });
    m_tick->start();
    updateActions();
}

PipelinesTab::~PipelinesTab() = default;

void PipelinesTab::buildLayout()
{
    m_pipelines->setObjectName(QStringLiteral("pipelineList"));
    m_pipelines->setMinimumWidth(200);
    m_run->setIcon(standardIcon(QStyle::SP_MediaPlay));
    m_run->setToolTip(tr("Run the selected pipeline with the overrides above"));
    m_run->setDefault(true);
    m_cancel->setIcon(standardIcon(QStyle::SP_MediaStop));
    m_cancel->setToolTip(tr("Cancel the selected run: its steps' processes are ended"));
    m_rerun->setIcon(standardIcon(QStyle::SP_BrowserReload));
    m_rerun->setToolTip(tr("Run the selected run's pipeline again with the same overrides"));
    m_rerunFailed->setToolTip(tr("Run only the steps that failed in the selected run"));

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(8, 6, 4, 8);
    auto* pipelinesLabel = new QLabel(tr("&Pipelines"), left);
    pipelinesLabel->setBuddy(m_pipelines);
    leftLayout->addWidget(pipelinesLabel);
    leftLayout->addWidget(m_pipelines, 2);
    auto* overrides = new QGroupBox(tr("Environment overrides"), left);
    auto* overridesLayout = new QVBoxLayout(overrides);
    overridesLayout->addWidget(m_env);
    leftLayout->addWidget(overrides, 2);
    leftLayout->addWidget(m_run);
    auto* selected = new QGroupBox(tr("Selected run"), left);
    auto* selectedLayout = new QVBoxLayout(selected);
    selectedLayout->addWidget(m_cancel);
    selectedLayout->addWidget(m_rerun);
    selectedLayout->addWidget(m_rerunFailed);
    leftLayout->addWidget(selected);

    m_filterText->setPlaceholderText(tr("Filter runs by pipeline or id"));
    enableClearButtonWhenShown(m_filterText);
    m_filterStatus->addItem(tr("All statuses"));
    for (const RunStatus status :
         {RunStatus::Running, RunStatus::Succeeded, RunStatus::Failed, RunStatus::Cancelled,
          RunStatus::TimedOut, RunStatus::Interrupted})
        m_filterStatus->addItem(runStatusIcon(status), runStatusLabel(status),
                                static_cast<int>(status));
    m_historyHint->setText(tr("Loading the run history…"));

    m_runsView->setObjectName(QStringLiteral("runsView"));
    m_runsView->setModel(m_runsFilter);
    m_runsView->setSortingEnabled(true);
    m_runsView->sortByColumn(RunsModel::Started, Qt::DescendingOrder);
    m_runsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runsView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_runsView->setAlternatingRowColors(true);
    m_runsView->setShowGrid(false);
    m_runsView->verticalHeader()->hide();
    m_runsView->verticalHeader()->setDefaultSectionSize(m_runsView->fontMetrics().height() + 8);
    m_runsView->horizontalHeader()->setStretchLastSection(true);
    m_runsView->setColumnWidth(RunsModel::Status, 130);
    m_runsView->setColumnWidth(RunsModel::Pipeline, 200);
    m_runsView->setColumnWidth(RunsModel::Started, 170);

    auto* runsBox = new QWidget(this);
    auto* runsLayout = new QVBoxLayout(runsBox);
    runsLayout->setContentsMargins(0, 6, 0, 0);
    auto* filters = new QHBoxLayout;
    auto* runsLabel = new QLabel(tr("Runs"), runsBox);
    QFont bold = runsLabel->font();
    bold.setBold(true);
    runsLabel->setFont(bold);
    filters->addWidget(runsLabel);
    filters->addWidget(m_filterText, 1);
    filters->addWidget(m_filterStatus);
    filters->addWidget(m_historyHint);
    runsLayout->addLayout(filters);
    runsLayout->addWidget(m_runsView, 1);

    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(runsBox);
    right->addWidget(m_runView);
    right->setStretchFactor(0, 1);
    right->setStretchFactor(1, 3);
    right->setSizes({200, 600});
    right->setChildrenCollapsible(false);

    auto* horizontal = new QSplitter(Qt::Horizontal, this);
    horizontal->addWidget(left);
    horizontal->addWidget(right);
    horizontal->setStretchFactor(0, 0);
    horizontal->setStretchFactor(1, 1);
    horizontal->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 4, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(horizontal, 1);
}

void PipelinesTab::setSession(WorkspaceSession* session)
{
    if (session == m_session)
        return;
    if (m_session) {
        disconnect(m_session, nullptr, this, nullptr);
        if (PipelineRunnerHost* host = m_session->runnerHost())
            disconnect(host->runner(), nullptr, this, nullptr);
    }
    // The runs of the previous session go on there; here they are read from the history again.
    m_session = session;
    m_live.clear();
    m_historyReady = false;
    ++m_pipelineGeneration;
    m_root = session ? session->root() : QString();
    m_entries.clear();
    m_pipelines->clear();
    m_historyHint->show();
    updateActions();
    if (!session)
        return;
    if (PipelineRunnerHost* host = session->runnerHost()) {
        PipelineRunner* runner = host->runner();
        connect(runner, &PipelineRunner::runStarted, this, &PipelinesTab::onRunStarted);
        connect(runner, &PipelineRunner::stepStarted, this, &PipelinesTab::onStepStarted);
        connect(runner, &PipelineRunner::stepFinished, this, &PipelinesTab::onStepFinished);
        connect(runner, &PipelineRunner::linesAvailable, this, &PipelinesTab::onLines);
        connect(runner, &PipelineRunner::runFinished, this, &PipelinesTab::onRunFinished);
    }
    connect(session, &WorkspaceSession::workspaceLoaded, this, &PipelinesTab::loadPipelines);
    connect(session, &WorkspaceSession::workspaceChanged, this, &PipelinesTab::loadPipelines);
    connect(session, &WorkspaceSession::historyReady, this, &PipelinesTab::loadRuns);
    connect(session, &WorkspaceSession::historyFailed, this, [this](const QString& error) {
        m_historyHint->hide();
        m_banner->showMessage(tr("The run history cannot be opened: %1").arg(error));
    });
    if (session->isLoaded())
        loadPipelines();
    if (session->isHistoryReady())
        loadRuns();
}

void PipelinesTab::loadRuns()
{
    std::shared_ptr<HistoryStore> store = m_session->historyStore();
    QPointer<PipelinesTab> guard(this);
    QPointer<WorkspaceSession> session = m_session;
    QtConcurrent::run([store] {
        RunFilter filter;
        filter.limit = kHistoryLimit;
        return store->runs(filter);
    }).then(this, [this, guard, session](const QList<RunRecord>& runs) {
        if (!guard || session != m_session)
            return;
        m_historyHint->hide();
        m_historyReady = true;
        m_runs->mergeHistory(runs);
        updateActions();
        Q_EMIT historyLoaded();
    });
}

void PipelinesTab::loadPipelines()
{
    const quint64 generation = ++m_pipelineGeneration;
    QPointer<PipelinesTab> guard(this);
    loadPipelinesAsync(m_session->pipelineFiles())
        .then(this, [this, guard, generation](const QList<PipelineEntry>& list) {
            if (!guard || generation != m_pipelineGeneration)
                return;
            applyPipelines(list);
        });
}

void PipelinesTab::applyPipelines(const QList<PipelineEntry>& entries)
{
    const QString previous = m_pipelines->currentItem()
                                 ? m_pipelines->currentItem()->data(Qt::UserRole).toString()
                                 : QString();
    m_entries = entries;
    m_pipelines->clear();
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const PipelineEntry& entry = entries[i];
        auto* item = new QListWidgetItem(entry.name, m_pipelines);
        item->setData(Qt::UserRole, entry.file);
        const QString relative = QDir(m_root).relativeFilePath(entry.file);
        if (entry.pipeline) {
            item->setIcon(standardIcon(QStyle::SP_FileIcon));
            item->setToolTip(tr("%1\n%n step(s)", nullptr, entry.pipeline->steps.size())
                                 .arg(QDir::toNativeSeparators(relative)));
        } else {
            item->setIcon(standardIcon(QStyle::SP_MessageBoxCritical));
            item->setToolTip(
                tr("%1 cannot run: %2").arg(QDir::toNativeSeparators(relative), entry.problem));
        }
        if (entry.file == previous || (previous.isEmpty() && i == 0))
            m_pipelines->setCurrentItem(item);
    }
    updateActions();
    Q_EMIT pipelinesLoaded();
}

void PipelinesTab::runSelected()
{
    const int row = m_pipelines->currentRow();
    if (!m_historyReady || row < 0 || row >= m_entries.size() || !m_entries[row].pipeline)
        return;
    start(*m_entries[row].pipeline, m_env->overrides(), {});
}

void PipelinesTab::start(const Pipeline& pipeline, const EnvList& overrides,
                         const QStringList& onlySteps)
{
    if (!m_session || !m_historyReady)
        return;
    RunRequest request;
    request.pipeline = pipeline;
    request.workspace = m_root;
    request.envOverrides = overrides;
    request.onlySteps = onlySteps;
    request.runId = PipelineRunner::newRunId();
    m_requests.insert(request.runId, request);
    m_selectOnStart = request.runId;
    m_session->startPipeline(request);
}

void PipelinesTab::cancelCurrent()
{
    if (m_session && m_session->runnerHost() && m_live.contains(m_currentRunId))
        m_session->runnerHost()->cancel(m_currentRunId);
}

void PipelinesTab::rerunCurrent(bool onlyFailed)
{
    const std::optional<Pipeline> pipeline = pipelineOfRun(m_currentRunId);
    if (!pipeline || m_live.contains(m_currentRunId))
        return;
    const QStringList steps = onlyFailed ? m_steps->failedSteps() : QStringList();
    if (onlyFailed && steps.isEmpty())
        return;
    const auto request = m_requests.constFind(m_currentRunId);
    start(*pipeline, request != m_requests.constEnd() ? request->envOverrides : m_env->overrides(),
          steps);
}

std::optional<Pipeline> PipelinesTab::pipelineOfRun(const QString& runId) const
{
    if (const auto request = m_requests.constFind(runId); request != m_requests.constEnd())
        return request->pipeline;
    const int row = m_runs->rowOf(runId);
    if (row < 0)
        return std::nullopt;
    const QString file = QFileInfo(m_runs->run(row).pipelineFile).absoluteFilePath();
    for (const PipelineEntry& entry : m_entries)
        if (entry.pipeline && QFileInfo(entry.file).absoluteFilePath() == file)
            return entry.pipeline;
    return std::nullopt;
}

void PipelinesTab::selectRun(const QString& runId)
{
    if (runId == m_currentRunId)
        return;
    m_currentRunId = runId;
    ++m_detailsGeneration;
    const int row = m_runs->rowOf(runId);
    if (row >= 0) {
        const QModelIndex proxy = m_runsFilter->mapFromSource(m_runs->index(row, 0));
        if (proxy.isValid() && m_runsView->currentIndex().row() != proxy.row())
            m_runsView->setCurrentIndex(proxy);
    }
    m_log->setRunId(runId);
    m_runView->logView()->showStep(QString());
    if (row < 0) {
        m_steps->clear();
        updateActions();
        return;
    }
    const RunRecord& run = m_runs->run(row);
    m_runView->setTitle(tr("%1 — run %2").arg(run.pipeline, run.id));
    if (const auto info = m_infos.constFind(runId); info != m_infos.constEnd()) {
        // Seen live here: the steps from the run's events, the lines from its backlog.
        m_steps->setRun(*info);
        const auto backlog = m_backlogs.find(runId);
        if (backlog != m_backlogs.end())
            m_log->setLines(backlog->second.newest());
        showArtifacts();
        for (const auto& [event, finished] : m_stepEvents.value(runId)) {
            if (finished)
                m_steps->applyFinished(event);
            else
                m_steps->applyStarted(event);
        }
        updateActions();
        return;
    }
    m_steps->clear();
    m_runView->setArtifacts({}, run.runDir);
    const quint64 generation = m_detailsGeneration;
    QPointer<PipelinesTab> guard(this);
    loadRunDetailsAsync(m_session->historyStore(), runId, run.runDir, kLogCapacity)
        .then(this, [this, guard, generation](const RunDetails& details) {
            if (guard && generation == m_detailsGeneration)
                showRunDetails(details);
        });
    updateActions();
}

void PipelinesTab::showRunDetails(const RunDetails& details)
{
    m_steps->setRecords(details.runId, details.steps);
    m_log->setLines(details.lines);
    QStringList artifacts;
    for (const ArtifactRecord& artifact : details.artifacts)
        artifacts.append(artifact.path);
    const int row = m_runs->rowOf(details.runId);
    m_runView->setArtifacts(artifacts, row >= 0 ? m_runs->run(row).runDir : QString());
    updateActions();
}

void PipelinesTab::showArtifacts()
{
    const int row = m_runs->rowOf(m_currentRunId);
    m_runView->setArtifacts(m_artifacts.value(m_currentRunId),
                            row >= 0 ? m_runs->run(row).runDir : QString());
}

void PipelinesTab::onRunStarted(const RunInfo& run)
{
    m_infos.insert(run.runId, run);
    m_live.insert(run.runId);
    m_backlogs.try_emplace(run.runId, kLogCapacity, kBacklogBytes);
    m_backlogOrder.append(run.runId);
    // Keep the output of the newest runs only; live runs are never dropped.
    for (qsizetype i = 0; m_backlogOrder.size() > kKeptBacklogs && i < m_backlogOrder.size();) {
        const QString id = m_backlogOrder[i];
        if (m_live.contains(id) || id == m_currentRunId) {
            ++i;
            continue;
        }
        m_backlogs.erase(id);
        m_infos.remove(id);
        m_stepEvents.remove(id);
        m_artifacts.remove(id);
        m_backlogOrder.removeAt(i);
    }
    m_runs->runStarted(run);
    if (run.runId == m_selectOnStart || m_currentRunId.isEmpty()) {
        m_selectOnStart.clear();
        m_currentRunId.clear();
        selectRun(run.runId);
    }
    updateActions();
}

void PipelinesTab::onStepStarted(const StepEvent& step)
{
    m_stepEvents[step.runId].append({step, false});
    m_steps->applyStarted(step);
}

void PipelinesTab::onStepFinished(const StepEvent& step)
{
    m_stepEvents[step.runId].append({step, true});
    m_steps->applyFinished(step);
    if (!step.artifacts.isEmpty()) {
        m_artifacts[step.runId] += step.artifacts;
        if (step.runId == m_currentRunId)
            showArtifacts();
    }
}

void PipelinesTab::onLines(const LogBatch& batch)
{
    for (const LogChunk& chunk : batch.chunks()) {
        const auto backlog = m_backlogs.find(chunk.runId);
        if (backlog != m_backlogs.end())
            backlog->second.push(chunk);
    }
    m_log->enqueue(batch);
}

void PipelinesTab::onRunFinished(const RunResult& result)
{
    m_live.remove(result.runId);
    m_runs->runFinished(result);
    updateActions();
    notifyRunEnded(result.runId, result.status);
    Q_EMIT runEnded(result.runId, result.status);
}

void PipelinesTab::notifyRunEnded(const QString& runId, RunStatus status)
{
    if (window()->isActiveWindow())
        return;
    const int row = m_runs->rowOf(runId);
    const QString pipeline = row >= 0 ? m_runs->run(row).pipeline : runId;
    const QString title = tr("Pipeline %1: %2").arg(pipeline, runStatusLabel(status));
    const QString body =
        row >= 0
            ? tr("Run %1 ended after %2.").arg(runId, formatDuration(m_runs->run(row).durationMs))
            : tr("Run %1 ended.").arg(runId);
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
            m_tray->setToolTip(QStringLiteral("Launchdeck"));
            connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
                window()->raise();
                window()->activateWindow();
                selectRun(m_notifiedRunId);
            });
            window()->installEventFilter(this);
        }
        m_notifiedRunId = runId;
        m_tray->show();
        m_tray->showMessage(title, body,
                            status == RunStatus::Succeeded ? QSystemTrayIcon::Information
                                                           : QSystemTrayIcon::Warning);
    } else {
        QApplication::alert(window());
    }
}

bool PipelinesTab::eventFilter(QObject* watched, QEvent* event)
{
    // Back at the console, the icon has served its purpose.
    if (m_tray && watched == window() && event->type() == QEvent::WindowActivate)
        m_tray->hide();
    return QWidget::eventFilter(watched, event);
}

void PipelinesTab::updateActions()
{
    const int row = m_pipelines->currentRow();
    const bool runnable = row >= 0 && row < m_entries.size() && m_entries[row].pipeline;
    m_run->setEnabled(m_historyReady && runnable);
    const bool selected = !m_currentRunId.isEmpty() && m_runs->rowOf(m_currentRunId) >= 0;
    const bool live = m_live.contains(m_currentRunId);
    m_cancel->setEnabled(selected && live);
    const bool known = selected && !live && m_historyReady && pipelineOfRun(m_currentRunId);
    m_rerun->setEnabled(known);
    m_rerunFailed->setEnabled(known && !m_steps->failedSteps().isEmpty());
}

} // namespace launchdeck
