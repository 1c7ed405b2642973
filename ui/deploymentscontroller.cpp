// The Deployments tab's logic: status, history, details and reconciliation run on pool threads
// and their answers are dropped once superseded; the session's jobs feed the matrix's progress
// and the details; a finished job refreshes the pair and marks the Live Metrics.
#include "deploymentscontroller.h"

#include "deploymenthistorymodel.h"
#include "deploymentmatrixmodel.h"
#include "docker/environmenthost.h"
#include "metricsstore.h"
#include "session/workspacesession.h"

#include <QLocale>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <tuple>

namespace launchdeck {

DeploymentsController::DeploymentsController(MetricsStore* metrics, QObject* parent)
    : QObject(parent)
    , m_metrics(metrics)
    , m_matrix(new DeploymentMatrixModel(this))
    , m_history(new DeploymentHistoryModel(this))
    , m_refreshTimer(new QTimer(this))
    , m_clusterChangeTimer(new QTimer(this))
{
    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(kRefreshIntervalMs);
    connect(m_refreshTimer, &QTimer::timeout, this, [this] {
        if (m_shown || !m_jobs.isEmpty())
            refresh();
        else
            scheduleRefresh();
    });
    m_clusterChangeTimer->setSingleShot(true);
    m_clusterChangeTimer->setInterval(kClusterChangeDelayMs);
    connect(m_clusterChangeTimer, &QTimer::timeout, this, &DeploymentsController::refresh);
}

// The jobs belong to the session, which outlives them or ends them itself; the watches end here.
DeploymentsController::~DeploymentsController()
{
    unwatchClusters();
}

QString DeploymentsController::pairKey(const QString& application, const QString& environment)
{
    return application + u'\n' + environment;
}

bool DeploymentsController::isReady() const
{
    return m_session && m_haveWorkspace && m_session->ledger() != nullptr;
}

deploy::DeploymentContext DeploymentsController::context() const
{
    return m_session ? m_session->deploymentContext() : deploy::DeploymentContext{};
}

bool DeploymentsController::isRunning(const QString& application, const QString& environment) const
{
    return m_jobs.contains(pairKey(application, environment));
}

const deploy::PairStatus& DeploymentsController::selectedStatus() const
{
    return m_matrix->pair(m_matrix->rowOf(m_application), m_matrix->columnOf(m_environment));
}

void DeploymentsController::setSession(WorkspaceSession* session)
{
    if (session == m_session)
        return;
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    unwatchClusters();
    for (const LiveJob& live : std::as_const(m_jobs)) {
        disconnect(live.job, nullptr, this, nullptr);
        m_matrix->clearProgress(live.job->request().application, live.job->request().environment);
    }
    m_jobs.clear();
    m_shownJob.clear();
    m_session = session;
    m_haveWorkspace = false;
    ++m_workspaceGeneration;
    m_matrix->setNames({}, {});
    if (!session) {
        Q_EMIT actionsChanged();
        return;
    }
    connect(session, &WorkspaceSession::workspaceLoaded, this, [this] { applyWorkspace(true); });
    connect(session, &WorkspaceSession::workspaceChanged, this, [this] { applyWorkspace(false); });
    connect(session, &WorkspaceSession::historyReady, this, &DeploymentsController::becomeReady);
    connect(session, &WorkspaceSession::hostsChanged, this, &DeploymentsController::applyHosts);
    connect(session, &WorkspaceSession::clustersChanged, this,
            &DeploymentsController::watchClusters);
    connect(session, &WorkspaceSession::deploymentStarted, this, &DeploymentsController::attach);
    applyHosts(session->dockerHosts());
    Q_EMIT statusHintChanged(tr("Waiting for the workspace and the history…"));
    if (session->isLoaded())
        applyWorkspace(true);
    else
        Q_EMIT actionsChanged();
}

void DeploymentsController::applyWorkspace(bool other)
{
    ++m_workspaceGeneration;
    m_endpointOf.clear();
    m_clusterEnvironments.clear();
    QStringList applications;
    QStringList environments;
    if (const std::optional<Workspace>& workspace = m_session->workspace()) {
        for (const Environment& environment : workspace->environments) {
            environments.append(environment.name);
            const Target* target = workspace->target(environment.target);
            if (target && target->type == Target::Type::Kubernetes)
                m_clusterEnvironments.insert(environment.name);
            else if (const Result<DockerEndpoint> endpoint =
                         environmentEndpoint(*workspace, environment.name))
                m_endpointOf.insert(environment.name, endpoint->toString());
        }
        for (const Application& application : workspace->applications)
            applications.append(application.name);
    }
    m_haveWorkspace = m_session->workspace().has_value();
    m_matrix->setNames(applications, environments);
    watchClusters();
    if (other) {
        m_reconciled = false;
        m_history->clear();
        m_application.clear();
        m_environment.clear();
        if (m_jobs.isEmpty())
            Q_EMIT detailsCleared({});
    }
    becomeReady();
}

void DeploymentsController::applyHosts(const QList<DockerHost*>& hosts)
{
    m_hostOf.clear();
    for (const DockerHost* host : hosts)
        if (!m_hostOf.contains(host->endpoint().toString()))
            m_hostOf.insert(host->endpoint().toString(), host->name());
}

void DeploymentsController::unwatchClusters()
{
    for (const QMetaObject::Connection& connection : std::as_const(m_clusterConnections))
        disconnect(connection);
    m_clusterConnections.clear();
    for (const ClusterWatch& watch : std::as_const(m_clusterWatches)) {
        if (watch.cluster)
            watch.cluster->unwatch(watch.id);
    }
    m_clusterWatches.clear();
}

void DeploymentsController::watchClusters()
{
    unwatchClusters();
    if (!m_session || !m_session->workspace() || m_clusterEnvironments.isEmpty())
        return;
    const Workspace& workspace = *m_session->workspace();
    QMap<std::pair<kube::KubeCluster*, QString>, QStringList> environmentsOf;
    for (const Environment& environment : workspace.environments) {
        const Target* target = workspace.target(environment.target);
        kube::KubeCluster* cluster = m_clusterEnvironments.contains(environment.name) && target
                                         ? m_session->kubeCluster(target->name)
                                         : nullptr;
        if (cluster)
            environmentsOf[{cluster, target->nameSpace.isEmpty() ? cluster->defaultNamespace()
                                                                 : target->nameSpace}]
                .append(environment.name);
    }
    QSet<kube::KubeCluster*> connected;
    for (auto it = environmentsOf.cbegin(); it != environmentsOf.cend(); ++it) {
        kube::KubeCluster* cluster = it.key().first;
        m_clusterWatches.append(
            {cluster,
             cluster->watch(
                 QStringLiteral("deployments"), it.key().second,
                 QStringLiteral("launchdeck.dev/environment in (%1)").arg(it.value().join(u',')))});
        if (connected.contains(cluster))
            continue;
        connected.insert(cluster);
        // Only shown (or deploying) pairs are asked about: a hidden tab waits for its timer.
        const auto changed = [this, cluster](quint64 id) {
            const bool ours = std::any_of(m_clusterWatches.cbegin(), m_clusterWatches.cend(),
                                          [&](const ClusterWatch& watch) {
                                              return watch.cluster == cluster && watch.id == id;
                                          });
            // Not restarted by each change: a rollout's stream of them still refreshes.
            if (ours && isReady() && m_reconciled && (m_shown || !m_jobs.isEmpty()) &&
                !m_clusterChangeTimer->isActive())
                m_clusterChangeTimer->start();
        };
        m_clusterConnections.append(
            connect(cluster, &kube::KubeCluster::objectsChanged, this, changed));
        m_clusterConnections.append(
            connect(cluster, &kube::KubeCluster::objectsReset, this, changed));
    }
}

void DeploymentsController::becomeReady()
{
    Q_EMIT actionsChanged();
    if (!isReady())
        return;
    if (!m_reconciled) {
        m_reconciled = true;
        reconcile();
    } else {
        refresh();
    }
    if (m_application.isEmpty() && m_matrix->rowCount() > 0 && m_matrix->columnCount() > 0)
        selectPair(m_matrix->application(0), m_matrix->environment(0));
}

void DeploymentsController::reconcile()
{
    Q_EMIT statusHintChanged(tr("Checking for deployments cut off earlier…"));
    const deploy::DeploymentContext context = this->context();
    const quint64 generation = m_workspaceGeneration;
    QPointer<DeploymentsController> guard(this);
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
            Q_EMIT noticed(
                tr("Interrupted deployments were reconciled:\n%1").arg(lines.join(u'\n')),
                unresolved ? Notice::Warning : Notice::Information);
        }
        Q_EMIT reconciled(static_cast<int>(outcomes.size()));
        refresh();
        loadHistory();
    });
}

void DeploymentsController::setShown(bool shown)
{
    m_shown = shown;
    if (shown && isReady() && m_reconciled && !m_refreshing)
        refresh();
}

void DeploymentsController::scheduleRefresh()
{
    if (isReady())
        m_refreshTimer->start();
}

void DeploymentsController::refresh()
{
    if (!isReady())
        return;
    if (m_refreshing) {
        m_refreshAgain = true;
        return;
    }
    m_refreshing = true;
    m_refreshTimer->stop();
    const deploy::DeploymentContext context = this->context();
    const quint64 generation = ++m_statusGeneration;
    const quint64 workspace = m_workspaceGeneration;
    QPointer<DeploymentsController> guard(this);
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
                const deploy::PairStatus& pair = selectedStatus();
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
                if (m_shownJob.isEmpty() && !(m_historyRowChosen && m_historyRowChosen()))
                    showCurrent();
            }
            Q_EMIT statusHintChanged(
                tr("Updated %1")
                    .arg(QLocale().toString(QTime::currentTime(), QLocale::ShortFormat)));
            Q_EMIT actionsChanged();
            Q_EMIT statusRefreshed();
        }
        if (std::exchange(m_refreshAgain, false))
            refresh();
        else
            scheduleRefresh();
    });
}

void DeploymentsController::selectPair(const QString& application, const QString& environment)
{
    if (application == m_application && environment == m_environment) {
        Q_EMIT pairSelected(application, environment);
        return;
    }
    m_application = application;
    m_environment = environment;
    // The view follows; its own selection change comes back here and finds the pair chosen.
    Q_EMIT pairSelected(application, environment);
    loadHistory();
    showCurrent();
    Q_EMIT actionsChanged();
}

void DeploymentsController::loadHistory()
{
    if (!isReady() || m_application.isEmpty())
        return;
    const std::shared_ptr<DeploymentLedger> ledger = m_session->ledger();
    DeploymentFilter filter;
    filter.application = m_application;
    filter.environment = m_environment;
    filter.limit = kHistoryLimit;
    const quint64 generation = ++m_historyGeneration;
    QPointer<DeploymentsController> guard(this);
    QtConcurrent::run([ledger, filter] {
        return ledger->list(filter);
    }).then(this, [this, guard, generation, filter](const QList<DeploymentRecord>& records) {
        if (!guard || generation != m_historyGeneration)
            return;
        m_history->setRecords(filter.application, filter.environment, records);
        Q_EMIT historyShown();
    });
}

void DeploymentsController::showCurrent()
{
    const QString key = pairKey(m_application, m_environment);
    if (m_jobs.contains(key))
        return followJob(key);
    m_shownJob.clear();
    if (!isReady())
        return;
    // Asked of the ledger rather than taken from the matrix, whose status may not have arrived.
    const std::shared_ptr<DeploymentLedger> ledger = m_session->ledger();
    const QString application = m_application;
    const QString environment = m_environment;
    const quint64 generation = ++m_detailsGeneration;
    Q_EMIT detailsCleared(tr("Reading the deployments of %1 in %2…").arg(application, environment));
    QPointer<DeploymentsController> guard(this);
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
            if (record && replayFinished(record->id))
                return;
            if (record)
                Q_EMIT recordShown(*record);
            else
                Q_EMIT detailsCleared(
                    tr("No deployment of %1 in %2 yet").arg(application, environment));
        });
}

void DeploymentsController::followJob(const QString& key)
{
    const auto live = m_jobs.constFind(key);
    if (live == m_jobs.constEnd())
        return;
    m_shownJob = key;
    ++m_detailsGeneration; // a record asked for meanwhile is not shown over it
    Q_EMIT jobFollowed(live->title, live->job->request().kind);
    for (const deploy::DeploymentEvent& event : live->events)
        Q_EMIT jobReported(event);
}

bool DeploymentsController::replayFinished(const QString& id)
{
    const auto done = m_finished.constFind(id);
    if (done == m_finished.constEnd())
        return false;
    ++m_detailsGeneration; // a record asked for meanwhile is not shown over it
    Q_EMIT jobFollowed(done->title, done->kind);
    for (const deploy::DeploymentEvent& event : done->events)
        Q_EMIT jobReported(event);
    return true;
}

void DeploymentsController::showDeployment(const QString& id)
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
    if (replayFinished(id))
        return;
    const std::shared_ptr<DeploymentLedger> ledger = m_session->ledger();
    const quint64 generation = ++m_detailsGeneration;
    QPointer<DeploymentsController> guard(this);
    QtConcurrent::run([ledger, id] {
        return ledger->get(id);
    }).then(this, [this, guard, generation](const std::optional<DeploymentRecord>& record) {
        if (!guard || generation != m_detailsGeneration || !m_shownJob.isEmpty())
            return;
        if (record)
            Q_EMIT recordShown(*record);
    });
}

void DeploymentsController::cancelShown()
{
    if (const auto job = m_jobs.constFind(m_shownJob); job != m_jobs.constEnd())
        job->job->cancel();
}

void DeploymentsController::promoteShown()
{
    if (const auto job = m_jobs.constFind(m_shownJob); job != m_jobs.constEnd())
        job->job->promote();
}

bool DeploymentsController::start(const deploy::DeploymentRequest& request)
{
    if (!isReady() || isRunning(request.application, request.environment)) {
        Q_EMIT noticed(tr("A deployment of %1 in %2 is running already.")
                           .arg(request.application, request.environment),
                       Notice::Warning);
        return false;
    }
    // The session owns the job; attach() follows it as the session announces it.
    return m_session->startDeployment(request) != nullptr;
}

void DeploymentsController::attach(deploy::DeploymentJob* job)
{
    const deploy::DeploymentRequest& request = job->request();
    const QString key = pairKey(request.application, request.environment);
    LiveJob live;
    live.job = job;
    live.title = request.kind == DeploymentKind::Rollback
                     ? tr("Rollback of %1 in %2").arg(request.application, request.environment)
                     : tr("Deploy of %1 %2 to %3")
                           .arg(request.application, request.version, request.environment);
    connect(job, &deploy::DeploymentJob::reported, this,
            [this, key](const deploy::DeploymentEvent& event) { onJobEvent(key, event); });
    connect(job, &deploy::DeploymentJob::finished, this,
            [this, key](DeploymentStatus status, const QString& message) {
                onJobFinished(key, status, message);
            });
    m_jobs.insert(key, live);
    m_matrix->setProgress(request.application, request.environment, DeploymentStage::Initialized,
                          0);
    m_application.clear();
    selectPair(request.application, request.environment);
    Q_EMIT actionsChanged();
    Q_EMIT deploymentStarted(request.application, request.environment);
}

void DeploymentsController::onJobEvent(const QString& key, const deploy::DeploymentEvent& event)
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
        Q_EMIT jobReported(event);
}

void DeploymentsController::onJobFinished(const QString& key, DeploymentStatus status,
                                          const QString& message)
{
    const LiveJob live = m_jobs.take(key);
    if (!live.job)
        return;
    const deploy::DeploymentRequest request = live.job->request();
    if (const QString id = live.job->deploymentId(); !id.isEmpty()) {
        FinishedJob done{live.title, request.kind, live.events};
        const bool ended = !done.events.isEmpty() &&
                           done.events.constLast().kind == deploy::DeploymentEvent::Kind::Finished;
        if (!ended) {
            deploy::DeploymentEvent finished;
            finished.kind = deploy::DeploymentEvent::Kind::Finished;
            finished.status = status;
            finished.text = message;
            finished.at = QDateTime::currentDateTimeUtc();
            done.events.append(finished);
        }
        m_finished.insert(id, done);
        m_finishedOrder.append(id);
        while (m_finishedOrder.size() > kKeptFinishedJobs)
            m_finished.remove(m_finishedOrder.takeFirst());
    }
    m_matrix->clearProgress(request.application, request.environment);
    addMarkers(request, status,
               live.deployingAt.isValid() ? live.deployingAt : QDateTime::currentDateTimeUtc());
    if (key == m_shownJob)
        m_shownJob.clear();
    const QString text = tr("%1: %2").arg(live.title, deploymentStatusLabel(status));
    Q_EMIT noticed(message.isEmpty() ? text : text + QStringLiteral(" — ") + message,
                   status == DeploymentStatus::Completed ? Notice::Information
                   : status == DeploymentStatus::Failed  ? Notice::Error
                                                         : Notice::Warning);
    refresh();
    if (request.application == m_application && request.environment == m_environment)
        loadHistory();
    Q_EMIT actionsChanged();
    Q_EMIT deploymentFinished(request.application, request.environment, status);
}

void DeploymentsController::addMarkers(const deploy::DeploymentRequest& request,
                                       DeploymentStatus status, const QDateTime& at)
{
    // The markers go on containers; a cluster's pods are not among the Live Metrics' series.
    if (!m_metrics || m_clusterEnvironments.contains(request.environment))
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

} // namespace launchdeck
