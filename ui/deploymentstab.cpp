// Wiring of the Deployments tab: status, history, previews and reconciliation run on pool
// threads and their answers are dropped once superseded; jobs' events feed the matrix's
// progress and the live view; a finished job refreshes the pair and marks the Live Metrics.
#include "deploymentstab.h"

#include "bannerwidget.h"
#include "deploydialog.h"
#include "deploymentcelldelegate.h"
#include "deploymenthistorymodel.h"
#include "deploymentmatrixmodel.h"
#include "deploymentprogressview.h"
#include "docker/dockerclient.h"
#include "docker/dockerhost.h"
#include "metricsstore.h"
#include "rollbackdialog.h"
#include "store/historystore.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <tuple>

namespace launchdeck {

namespace {

Result<QStringList> localTags(const Workspace& workspace, const QString& applicationName,
                              const QString& environmentName)
{
    const Application* application = workspace.application(applicationName);
    const Environment* environment = workspace.environment(environmentName);
    if (!application || !environment)
        return Error{QStringLiteral("unknown application or environment"), workspace.file};
    const Target* target = workspace.target(environment->target);
    if (!target || target->type != Target::Type::Docker)
        return Error{QStringLiteral("the environment's target is not a Docker host"),
                     environment->target};
    const Result<DockerEndpoint> endpoint = endpointForTarget(*target, workspace.root);
    if (!endpoint)
        return endpoint.error();
    DockerClient client(*endpoint);
    if (const Result<DockerVersion> version = client.negotiate(); !version)
        return version.error();
    const Result<QList<DockerImage>> images = client.images();
    if (!images)
        return images.error();
    QStringList tags;
    const QString prefix = application->image + u':';
    for (const DockerImage& image : *images)
        for (const QString& tag : image.repoTags)
            if (tag.startsWith(prefix) && !tags.contains(tag.mid(prefix.size())))
                tags.append(tag.mid(prefix.size()));
    return tags;
}

} // namespace

DeploymentsTab::DeploymentsTab(MetricsStore* metrics, QWidget* parent)
    : QWidget(parent)
    , m_metrics(metrics)
    , m_matrix(new DeploymentMatrixModel(this))
    , m_history(new DeploymentHistoryModel(this))
    , m_banner(new BannerWidget(this))
    , m_deploy(new QPushButton(tr("&Deploy…"), this))
    , m_rollback(new QPushButton(tr("R&ollback…"), this))
    , m_refresh(new QPushButton(tr("&Refresh"), this))
    , m_statusHint(new QLabel(this))
    , m_matrixView(new QTableView(this))
    , m_historyView(new QTableView(this))
    , m_progress(new DeploymentProgressView(this))
    , m_refreshTimer(new QTimer(this))
{
    buildLayout();
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(kRefreshIntervalMs);
    connect(m_refreshTimer, &QTimer::timeout, this, [this] {
        if (isVisible() || !m_jobs.isEmpty())
            refresh();
        else
            scheduleRefresh();
    });
    connect(m_deploy, &QPushButton::clicked, this, &DeploymentsTab::openDeployDialog);
    connect(m_rollback, &QPushButton::clicked, this, &DeploymentsTab::openRollbackDialog);
    connect(m_refresh, &QPushButton::clicked, this, &DeploymentsTab::refresh);
    connect(m_matrixView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid())
                    selectPair(m_matrix->application(current.row()),
                               m_matrix->environment(current.column()));
            });
    connect(m_historyView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid())
                    showDeployment(current.data(DeploymentHistoryModel::IdRole).toString());
            });
    connect(m_progress, &DeploymentProgressView::cancelRequested, this, [this] {
        if (const auto job = m_jobs.constFind(m_shownJob); job != m_jobs.constEnd())
            job->job->cancel();
    });
    connect(m_progress, &DeploymentProgressView::promoteRequested, this, [this] {
        if (const auto job = m_jobs.constFind(m_shownJob); job != m_jobs.constEnd())
            job->job->promote();
    });
    m_statusHint->setText(tr("Waiting for the workspace and the history…"));
    updateActions();
}

DeploymentsTab::~DeploymentsTab()
{
    // Before the members go: a job's thread still uses the ledger and reports to this tab.
    for (const LiveJob& live : std::as_const(m_jobs)) {
        disconnect(live.job, nullptr, this, nullptr);
        delete live.job;
    }
    m_jobs.clear();
}

void DeploymentsTab::buildLayout()
{
    m_deploy->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    m_deploy->setToolTip(tr("Deploy a version of an application to an environment"));
    m_rollback->setIcon(style()->standardIcon(QStyle::SP_ArrowBack));
    m_rollback->setToolTip(tr("Return the selected application and environment to an earlier "
                              "revision"));
    m_refresh->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_statusHint->setEnabled(false);

    m_matrixView->setObjectName(QStringLiteral("deploymentMatrix"));
    m_matrixView->setModel(m_matrix);
    m_matrixView->setItemDelegate(new DeploymentCellDelegate(m_matrixView));
    m_matrixView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_matrixView->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_matrixView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_matrixView->horizontalHeader()->setMinimumSectionSize(200);
    m_matrixView->verticalHeader()->setDefaultSectionSize(
        DeploymentCellDelegate::cellHeight(m_matrixView->fontMetrics()));
    m_matrixView->setWordWrap(false);

    m_historyView->setObjectName(QStringLiteral("deploymentHistory"));
    m_historyView->setModel(m_history);
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_historyView->setAlternatingRowColors(true);
    m_historyView->setShowGrid(false);
    m_historyView->verticalHeader()->hide();
    m_historyView->verticalHeader()->setDefaultSectionSize(m_historyView->fontMetrics().height() +
                                                           8);
    m_historyView->horizontalHeader()->setStretchLastSection(true);
    m_historyView->setColumnWidth(DeploymentHistoryModel::Started, 140);
    m_historyView->setColumnWidth(DeploymentHistoryModel::Revision, 220);

    auto* actions = new QHBoxLayout;
    actions->setContentsMargins(8, 6, 8, 4);
    actions->addWidget(m_deploy);
    actions->addWidget(m_rollback);
    actions->addWidget(m_refresh);
    actions->addStretch(1);
    actions->addWidget(m_statusHint);

    auto* historyBox = new QWidget(this);
    auto* historyLayout = new QVBoxLayout(historyBox);
    historyLayout->setContentsMargins(0, 0, 0, 0);
    auto* historyLabel = new QLabel(tr("History of the selected cell"), historyBox);
    QFont bold = historyLabel->font();
    bold.setBold(true);
    historyLabel->setFont(bold);
    historyLayout->addWidget(historyLabel);
    historyLayout->addWidget(m_historyView, 1);

    auto* lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(historyBox);
    lower->addWidget(m_progress);
    lower->setStretchFactor(0, 2);
    lower->setStretchFactor(1, 3);
    lower->setChildrenCollapsible(false);
    auto* vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(m_matrixView);
    vertical->addWidget(lower);
    vertical->setStretchFactor(0, 2);
    vertical->setStretchFactor(1, 3);
    vertical->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 4, 4);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addLayout(actions);
    layout->addWidget(vertical, 1);
}

QString DeploymentsTab::pairKey(const QString& application, const QString& environment)
{
    return application + u'\n' + environment;
}

bool DeploymentsTab::isReady() const
{
    return m_haveWorkspace && m_context.ledger != nullptr;
}

bool DeploymentsTab::isRunning(const QString& application, const QString& environment) const
{
    return m_jobs.contains(pairKey(application, environment));
}

void DeploymentsTab::setHistory(std::shared_ptr<HistoryStore> store, const QString& dataDir)
{
    if (!store || m_store == store)
        return;
    m_store = std::move(store);
    // The ledger keeps a reference to the store: the deleter keeps the store alive as long.
    std::shared_ptr<HistoryStore> keep = m_store;
    m_context.ledger = std::shared_ptr<DeploymentLedger>(
        new DeploymentLedger(*m_store), [keep](DeploymentLedger* ledger) { delete ledger; });
    m_context.dataDir = dataDir;
    becomeReady();
}

void DeploymentsTab::setWorkspace(const QString& root)
{
    const quint64 generation = ++m_workspaceGeneration;
    QPointer<DeploymentsTab> guard(this);
    QtConcurrent::run([root] {
        Diagnostics findings;
        std::optional<Workspace> workspace = loadWorkspace(root, findings);
        QString problem;
        if (!workspace) {
            for (const Diagnostic& finding : std::as_const(findings))
                if (isError(finding.severity)) {
                    problem = formatDiagnostic(finding);
                    break;
                }
        }
        return std::pair<std::optional<Workspace>, QString>(std::move(workspace), problem);
    })
        .then(this, [this, guard, generation,
                     root](const std::pair<std::optional<Workspace>, QString>& loaded) {
            if (!guard || generation != m_workspaceGeneration)
                return;
            if (!loaded.first) {
                m_banner->showMessage(
                    tr("The workspace %1 cannot be read: %2").arg(root, loaded.second));
                return;
            }
            setWorkspace(*loaded.first);
        });
}

void DeploymentsTab::setWorkspace(const Workspace& workspace)
{
    ++m_workspaceGeneration;
    const bool other = !m_haveWorkspace || workspace.root != m_context.workspace.root;
    m_context.workspace = workspace;
    m_haveWorkspace = true;
    m_endpointOf.clear();
    for (const Environment& environment : workspace.environments) {
        const Target* target = workspace.target(environment.target);
        if (!target || target->type != Target::Type::Docker)
            continue;
        if (const Result<DockerEndpoint> endpoint = endpointForTarget(*target, workspace.root))
            m_endpointOf.insert(environment.name, endpoint->toString());
    }
    QStringList applications;
    for (const Application& application : workspace.applications)
        applications.append(application.name);
    QStringList environments;
    for (const Environment& environment : workspace.environments)
        environments.append(environment.name);
    m_matrix->setNames(applications, environments);
    if (other) {
        m_reconciled = false;
        m_history->clear();
        m_application.clear();
        m_environment.clear();
        if (m_jobs.isEmpty())
            m_progress->clear();
    }
    becomeReady();
}

void DeploymentsTab::setHosts(const QList<DockerHost*>& hosts)
{
    m_hostOf.clear();
    for (const DockerHost* host : hosts)
        if (!m_hostOf.contains(host->endpoint().toString()))
            m_hostOf.insert(host->endpoint().toString(), host->name());
}

void DeploymentsTab::becomeReady()
{
    updateActions();
    if (!isReady())
        return;
    if (!m_reconciled) {
        m_reconciled = true;
        reconcile();
    } else {
        refresh();
    }
    if (m_application.isEmpty() && m_matrix->rowCount() > 0 && m_matrix->columnCount() > 0)
        m_matrixView->setCurrentIndex(m_matrix->index(0, 0));
}

void DeploymentsTab::reconcile()
{
    m_statusHint->setText(tr("Checking for deployments cut off earlier…"));
    const deploy::DeploymentContext context = m_context;
    const quint64 generation = m_workspaceGeneration;
    QPointer<DeploymentsTab> guard(this);
    QtConcurrent::run([context] {
        return deploy::reconcileInterrupted(context);
    }).then(this, [this, guard, generation](const QList<deploy::ReconcileOutcome>& outcomes) {
        if (!guard || generation != m_workspaceGeneration)
            return;
        if (!outcomes.isEmpty()) {
            QStringList lines;
            bool unresolved = false;
            for (const deploy::ReconcileOutcome& outcome : outcomes) {
                QString line = tr("%1 in %2 was cut off while %3")
                                   .arg(outcome.application, outcome.environment,
                                        deploymentStageLabel(outcome.stage).toLower());
                if (!outcome.actions.isEmpty())
                    line += QStringLiteral(": ") + outcome.actions.join(QStringLiteral("; "));
                if (!outcome.resolved) {
                    unresolved = true;
                    line +=
                        QStringLiteral(" — ") + tr("still needs attention: %1").arg(outcome.error);
                }
                lines.append(line);
            }
            m_banner->showMessage(
                tr("Interrupted deployments were reconciled:\n%1").arg(lines.join(u'\n')),
                unresolved ? BannerWidget::Kind::Warning : BannerWidget::Kind::Information);
        }
        Q_EMIT reconciled(static_cast<int>(outcomes.size()));
        refresh();
        loadHistory();
    });
}

void DeploymentsTab::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (isReady() && m_reconciled && !m_refreshing)
        refresh();
}

void DeploymentsTab::scheduleRefresh()
{
    if (isReady())
        m_refreshTimer->start();
}

void DeploymentsTab::refresh()
{
    if (!isReady())
        return;
    if (m_refreshing) {
        m_refreshAgain = true;
        return;
    }
    m_refreshing = true;
    m_refreshTimer->stop();
    const deploy::DeploymentContext context = m_context;
    const quint64 generation = ++m_statusGeneration;
    const quint64 workspace = m_workspaceGeneration;
    QPointer<DeploymentsTab> guard(this);
    QtConcurrent::run([context] {
        return deploy::deploymentStatus(context);
    }).then(this, [this, guard, generation, workspace](const QList<deploy::PairStatus>& pairs) {
        if (!guard)
            return;
        m_refreshing = false;
        // An answer about a workspace since replaced would add its names to the matrix.
        if (generation == m_statusGeneration && workspace == m_workspaceGeneration) {
            // A deployment of the selected pair that began, moved on or ended (here or in
            // another process) changes its history: the list follows it by id.
            const auto selected = [this] {
                const deploy::PairStatus& pair = m_matrix->pair(m_matrix->rowOf(m_application),
                                                                m_matrix->columnOf(m_environment));
                return std::tuple(pair.running ? pair.running->id : QString(),
                                  pair.running ? pair.running->stage : DeploymentStage::Initialized,
                                  pair.last ? pair.last->id : QString(),
                                  pair.last ? pair.last->status : std::nullopt);
            };
            const auto before = selected();
            m_matrix->applyStatus(pairs);
            if (selected() != before) {
                loadHistory();
                // Its details too, unless a job here or a history row the user picked is shown.
                if (m_shownJob.isEmpty() && !m_historyView->currentIndex().isValid())
                    showCurrent();
            }
            m_statusHint->setText(
                tr("Updated %1")
                    .arg(QLocale().toString(QTime::currentTime(), QLocale::ShortFormat)));
            updateActions();
            Q_EMIT statusRefreshed();
        }
        if (std::exchange(m_refreshAgain, false))
            refresh();
        else
            scheduleRefresh();
    });
}

void DeploymentsTab::selectPair(const QString& application, const QString& environment)
{
    const int row = m_matrix->rowOf(application);
    const int column = m_matrix->columnOf(environment);
    if (row >= 0 && column >= 0 && m_matrixView->currentIndex() != m_matrix->index(row, column))
        m_matrixView->setCurrentIndex(m_matrix->index(row, column));
    if (application == m_application && environment == m_environment)
        return;
    m_application = application;
    m_environment = environment;
    loadHistory();
    showCurrent();
    updateActions();
}

void DeploymentsTab::loadHistory()
{
    if (!isReady() || m_application.isEmpty())
        return;
    const std::shared_ptr<DeploymentLedger> ledger = m_context.ledger;
    DeploymentFilter filter;
    filter.application = m_application;
    filter.environment = m_environment;
    filter.limit = kHistoryLimit;
    const quint64 generation = ++m_historyGeneration;
    QPointer<DeploymentsTab> guard(this);
    QtConcurrent::run([ledger, filter] {
        return ledger->list(filter);
    }).then(this, [this, guard, generation, filter](const QList<DeploymentRecord>& records) {
        if (!guard || generation != m_historyGeneration)
            return;
        m_history->setRecords(filter.application, filter.environment, records);
        Q_EMIT historyShown();
    });
}

void DeploymentsTab::showCurrent()
{
    const QString key = pairKey(m_application, m_environment);
    if (m_jobs.contains(key))
        return followJob(key);
    m_shownJob.clear();
    if (!isReady())
        return;
    // Asked of the ledger rather than taken from the matrix, whose status may not have arrived.
    const std::shared_ptr<DeploymentLedger> ledger = m_context.ledger;
    const QString application = m_application;
    const QString environment = m_environment;
    const quint64 generation = ++m_detailsGeneration;
    m_progress->clear(tr("Reading the deployments of %1 in %2…").arg(application, environment));
    QPointer<DeploymentsTab> guard(this);
    QtConcurrent::run([ledger, application, environment]() -> std::optional<DeploymentRecord> {
        DeploymentFilter filter;
        filter.application = application;
        filter.environment = environment;
        filter.limit = 1;
        // One that has not finished (running elsewhere, or cut off) comes first.
        filter.unfinishedOnly = true;
        QList<DeploymentRecord> newest = ledger->list(filter);
        if (newest.isEmpty()) {
            filter.unfinishedOnly = false;
            newest = ledger->list(filter);
        }
        if (newest.isEmpty())
            return std::nullopt;
        return ledger->get(newest.first().id);
    })
        .then(this, [this, guard, generation, application,
                     environment](const std::optional<DeploymentRecord>& record) {
            if (!guard || generation != m_detailsGeneration || !m_shownJob.isEmpty())
                return;
            if (record)
                m_progress->showRecord(*record);
            else
                m_progress->clear(
                    tr("No deployment of %1 in %2 yet").arg(application, environment));
        });
}

void DeploymentsTab::followJob(const QString& key)
{
    const auto live = m_jobs.constFind(key);
    if (live == m_jobs.constEnd())
        return;
    m_shownJob = key;
    ++m_detailsGeneration; // a record asked for meanwhile is not shown over it
    m_progress->begin(live->title, true, live->job->request().kind);
    for (const deploy::DeploymentEvent& event : live->events)
        m_progress->applyEvent(event);
}

void DeploymentsTab::showDeployment(const QString& id)
{
    for (auto live = m_jobs.constBegin(); live != m_jobs.constEnd(); ++live) {
        if (live->job->deploymentId() == id) {
            if (m_shownJob != live.key())
                followJob(live.key());
            return;
        }
    }
    if (!isReady() || id.isEmpty())
        return;
    m_shownJob.clear();
    const std::shared_ptr<DeploymentLedger> ledger = m_context.ledger;
    const quint64 generation = ++m_detailsGeneration;
    QPointer<DeploymentsTab> guard(this);
    QtConcurrent::run([ledger, id] {
        return ledger->get(id);
    }).then(this, [this, guard, generation](const std::optional<DeploymentRecord>& record) {
        if (!guard || generation != m_detailsGeneration || !m_shownJob.isEmpty())
            return;
        if (record)
            m_progress->showRecord(*record);
    });
}

DeployDialog* DeploymentsTab::openDeployDialog()
{
    if (!isReady())
        return nullptr;
    const deploy::DeploymentContext context = m_context;
    const Workspace workspace = m_context.workspace;
    auto* dialog = new DeployDialog(
        m_context.workspace,
        [context](const deploy::DeploymentRequest& request) {
            return deploy::previewDeployment(context, request);
        },
        [workspace](const QString& application, const QString& environment) {
            return localTags(workspace, application, environment);
        },
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!m_application.isEmpty())
        dialog->select(m_application, m_environment);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { start(dialog->request()); });
    dialog->open();
    return dialog;
}

RollbackDialog* DeploymentsTab::openRollbackDialog()
{
    if (!isReady() || m_application.isEmpty())
        return nullptr;
    const deploy::DeploymentContext context = m_context;
    const std::shared_ptr<DeploymentLedger> ledger = m_context.ledger;
    const deploy::PairStatus& pair =
        m_matrix->pair(m_matrix->rowOf(m_application), m_matrix->columnOf(m_environment));
    auto* dialog = new RollbackDialog(
        m_context.workspace, m_application, m_environment, pair.live,
        [context](const deploy::DeploymentRequest& request) {
            return deploy::previewDeployment(context, request);
        },
        [ledger](const QString& application, const QString& environment) {
            return ledger->liveRevisions(application, environment);
        },
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { start(dialog->request()); });
    dialog->open();
    return dialog;
}

bool DeploymentsTab::start(const deploy::DeploymentRequest& request)
{
    const QString key = pairKey(request.application, request.environment);
    if (!isReady() || m_jobs.contains(key)) {
        m_banner->showMessage(tr("A deployment of %1 in %2 is running already.")
                                  .arg(request.application, request.environment),
                              BannerWidget::Kind::Warning);
        return false;
    }
    LiveJob live;
    live.job = new deploy::DeploymentJob(m_context, request, this);
    live.title = request.kind == DeploymentKind::Rollback
                     ? tr("Rollback of %1 in %2").arg(request.application, request.environment)
                     : tr("Deploy of %1 %2 to %3")
                           .arg(request.application, request.version, request.environment);
    connect(live.job, &deploy::DeploymentJob::reported, this,
            [this, key](const deploy::DeploymentEvent& event) { onJobEvent(key, event); });
    connect(live.job, &deploy::DeploymentJob::finished, this,
            [this, key](DeploymentStatus status, const QString& message) {
                onJobFinished(key, status, message);
            });
    m_jobs.insert(key, live);
    m_matrix->setProgress(request.application, request.environment, DeploymentStage::Initialized,
                          0);
    m_application.clear();
    selectPair(request.application, request.environment);
    live.job->start();
    updateActions();
    Q_EMIT deploymentStarted(request.application, request.environment);
    return true;
}

void DeploymentsTab::onJobEvent(const QString& key, const deploy::DeploymentEvent& event)
{
    const auto live = m_jobs.find(key);
    if (live == m_jobs.end())
        return;
    using Kind = deploy::DeploymentEvent::Kind;
    if (live->events.size() < kKeptEvents || event.kind != Kind::Log)
        live->events.append(event);
    if (event.kind == Kind::Stage && event.stage == DeploymentStage::Deploying)
        live->deployingAt = event.at.isValid() ? event.at : QDateTime::currentDateTimeUtc();
    const deploy::DeploymentRequest& request = live->job->request();
    if (event.kind != Kind::Log && event.kind != Kind::Validation && event.kind != Kind::Test &&
        event.kind != Kind::Finished)
        m_matrix->setProgress(request.application, request.environment, event.stage, event.percent);
    // The ledger has each stage before it is reported: the cell's revisions and replicas and the
    // history's running row follow it.
    if (event.kind == Kind::Stage) {
        refresh();
        if (request.application == m_application && request.environment == m_environment)
            loadHistory();
    }
    if (key == m_shownJob)
        m_progress->applyEvent(event);
}

void DeploymentsTab::onJobFinished(const QString& key, DeploymentStatus status,
                                   const QString& message)
{
    const LiveJob live = m_jobs.take(key);
    if (!live.job)
        return;
    const deploy::DeploymentRequest request = live.job->request();
    live.job->deleteLater();
    m_matrix->clearProgress(request.application, request.environment);
    addMarkers(request, status,
               live.deployingAt.isValid() ? live.deployingAt : QDateTime::currentDateTimeUtc());
    if (key == m_shownJob)
        m_shownJob.clear();
    const QString text = tr("%1: %2").arg(live.title, deploymentStatusLabel(status));
    m_banner->showMessage(message.isEmpty() ? text : text + QStringLiteral(" — ") + message,
                          status == DeploymentStatus::Completed ? BannerWidget::Kind::Information
                          : status == DeploymentStatus::Failed  ? BannerWidget::Kind::Error
                                                                : BannerWidget::Kind::Warning);
    refresh();
    if (request.application == m_application && request.environment == m_environment)
        loadHistory();
    updateActions();
    Q_EMIT deploymentFinished(request.application, request.environment, status);
}

void DeploymentsTab::addMarkers(const deploy::DeploymentRequest& request, DeploymentStatus status,
                                const QDateTime& at)
{
    if (!m_metrics)
        return;
    const bool rollback =
        request.kind == DeploymentKind::Rollback || status == DeploymentStatus::RolledBack;
    const QString prefix = request.application + u'-' + request.environment + QStringLiteral("-r");
    // The host as the Live Metrics tab names it; any host when the environment's is unknown.
    const QString host = m_hostOf.value(m_endpointOf.value(request.environment));
    const QString label =
        rollback ? tr("rollback: %1").arg(deploymentStatusLabel(status))
                 : tr("deploy %1: %2").arg(request.version, deploymentStatusLabel(status));
    for (const MetricsContainer& container : m_metrics->containers()) {
        if (!container.name.startsWith(prefix) || (!host.isEmpty() && container.key.host != host))
            continue;
        m_metrics->addMarker(container.key.host, container.key.containerId, at.toMSecsSinceEpoch(),
                             rollback ? MetricsMarkerKind::Rollback : MetricsMarkerKind::Deploy,
                             label);
    }
}

void DeploymentsTab::updateActions()
{
    const bool ready = isReady() && m_matrix->rowCount() > 0 && m_matrix->columnCount() > 0;
    m_deploy->setEnabled(ready);
    m_rollback->setEnabled(ready && !m_application.isEmpty() &&
                           !isRunning(m_application, m_environment));
    m_refresh->setEnabled(isReady());
}

} // namespace launchdeck
