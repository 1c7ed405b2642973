// The open workspace: its parse, history, runner, connections and the work started through it.
// Everything that blocks (parsing, opening the database, listing folders) runs on pool threads
// for the console; the answers come back to the session's thread and supersede older ones.
#include "workspacesession.h"

#include "deploy/deploymentledger.h"
#include "docker/dockerhost.h"
#include "docker/environmenthost.h"
#include "pipeline/pipelinerunnerhost.h"
#include "sessionalerts.h"
#include "store/historystore.h"
#include "store/pipelinerecorder.h"
#include "validation/validatingstepengines.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace launchdeck {

Q_LOGGING_CATEGORY(lcSession, "launchdeck.session", QtInfoMsg)

namespace {

QString workspaceFile(const QString& root)
{
    return QFileInfo(root).isDir() ? QDir(root).filePath(QString::fromUtf16(kWorkspaceFileName))
                                   : root;
}

} // namespace

WorkspaceSession::WorkspaceSession(SessionOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    if (!m_options.root.isEmpty())
        m_options.root = QFileInfo(m_options.root).absoluteFilePath();
    m_alerts = new SessionAlerts(m_options.dataDir, m_options.useKeyring, {}, this);
    if (m_options.dataDir.isEmpty())
        return;
    m_store = std::make_shared<HistoryStore>(m_options.dataDir);
    RunnerOptions runner = m_options.runner;
    runner.dataDir = m_options.dataDir;
    // Every runner of the workspace's pipelines can run their validate steps.
    std::shared_ptr<const StepEngines> engines = m_options.stepEngines;
    if (!engines)
        engines = std::make_shared<ValidatingStepEngines>();
    m_runnerHost = std::make_unique<PipelineRunnerHost>(runner, std::move(engines));
    m_recorder = std::make_unique<PipelineRecorder>(m_store.get(), m_runnerHost->runner());
    connect(m_runnerHost->runner(), &PipelineRunner::runFinished, this,
            [this](const RunResult& result) {
                if (!m_runs.remove(result.runId))
                    return;
                Q_EMIT pipelineEnded(result.runId);
                workEnded();
            });
}

WorkspaceSession::~WorkspaceSession()
{
    // The jobs first: their threads write to the ledger, which the store outlives.
    for (deploy::DeploymentJob* job : std::as_const(m_jobs)) {
        disconnect(job, nullptr, this, nullptr);
        delete job;
    }
    m_jobs.clear();
    // Opening SQLite takes milliseconds; only a session closed in its first moments waits here.
    m_historyOpening.waitForFinished();
    m_dockerHosts.clear();
    m_runnerHost.reset();
    m_recorder.reset();
}

QString WorkspaceSession::name() const
{
    if (m_workspace && !m_workspace->name.isEmpty())
        return m_workspace->name;
    return QFileInfo(m_options.root).fileName();
}

WorkspaceSession::Loaded WorkspaceSession::load(const QString& root, const QByteArray& known)
{
    Loaded loaded;
    if (root.isEmpty())
        return loaded;
    // The fingerprint tells a real change from a save of the same text: the workspace file's text
    // and each pipeline file's name and contents, so a pipeline added, edited or removed is a
    // change too.
    QCryptographicHash fingerprint(QCryptographicHash::Sha256);
    QFile file(workspaceFile(root));
    if (file.open(QIODevice::ReadOnly)) {
        const QByteArray text = file.readAll();
        fingerprint.addData(text);
        loaded.workspace = parseWorkspace(file.fileName(), text, loaded.findings);
    } else {
        fingerprint.addData(QByteArrayView("unreadable"));
        loaded.workspace = loadWorkspace(root, loaded.findings); // says why, in its words
    }
    loaded.pipelineFiles = pipelineFilesOf(loaded.workspace, root);
    loaded.pipelineFolders = patternFolders(
        root, loaded.workspace ? loaded.workspace->pipelinePatterns : defaultPipelinePatterns());
    for (const QString& path : std::as_const(loaded.pipelineFiles)) {
        fingerprint.addData(QByteArrayView("\n", 1));
        fingerprint.addData(path.toUtf8());
        QFile pipeline(path);
        if (pipeline.open(QIODevice::ReadOnly))
            fingerprint.addData(&pipeline);
    }
    loaded.fingerprint = fingerprint.result();
    loaded.unchanged = loaded.fingerprint == known;
    return loaded;
}

WorkspaceSession::OpenedHistory
WorkspaceSession::openHistory(const std::shared_ptr<HistoryStore>& store)
{
    OpenedHistory opened;
    QDir().mkpath(QFileInfo(store->databasePath()).absolutePath());
    if (const Result<int> result = openHistoryAndRecover(*store); !result) {
        opened.error = result.error().toString();
        return opened;
    }
    // The ledger keeps a reference to the store: its deleter keeps the store alive as long.
    std::shared_ptr<HistoryStore> keep = store;
    opened.ledger = std::shared_ptr<DeploymentLedger>(
        new DeploymentLedger(*store), [keep](DeploymentLedger* ledger) { delete ledger; });
    return opened;
}

void WorkspaceSession::open()
{
    if (m_store) {
        QPointer<WorkspaceSession> guard(this);
        m_historyOpening = QtConcurrent::run(&WorkspaceSession::openHistory, m_store);
        m_historyOpening.then(this, [this, guard](OpenedHistory opened) {
            if (guard)
                applyHistory(std::move(opened));
        });
    }
    if (m_options.root.isEmpty())
        return;
    m_alertsWanted = m_options.watchAlerts && m_options.connectHosts;
    if (m_options.watchWorkspace)
        watchWorkspace();
    loadAsync();
}

bool WorkspaceSession::openBlocking()
{
    // The command line reads the workspace and the history; it keeps no live connection (a
    // connection's thread would outlive the command, and some commands run without an event
    // loop).
    m_options.connectHosts = false;
    m_options.watchWorkspace = false;
    if (!m_options.root.isEmpty())
        applyLoaded(load(m_options.root, {}));
    if (m_store)
        applyHistory(openHistory(m_store));
    return m_historyError.isEmpty();
}

void WorkspaceSession::loadAsync()
{
    const quint64 generation = ++m_loadGeneration;
    QPointer<WorkspaceSession> guard(this);
    QtConcurrent::run([root = m_options.root, known = m_loaded ? m_fingerprint : QByteArray()] {
        return load(root, known);
    }).then(this, [this, guard, generation](Loaded loaded) {
        if (!guard || generation != m_loadGeneration)
            return;
        // Saving other files of the folder, or saving this one unchanged, is no reload; the watch
        // still follows a folder of the patterns made or removed, so its first file shows.
        if (loaded.unchanged) {
            m_pipelineFolders = std::move(loaded.pipelineFolders);
            watchNewFolders();
            return;
        }
        applyLoaded(std::move(loaded));
    });
}

void WorkspaceSession::applyLoaded(Loaded loaded)
{
    const bool first = !m_loaded;
    m_fingerprint = std::move(loaded.fingerprint);
    m_workspace = std::move(loaded.workspace);
    m_pipelineFiles = std::move(loaded.pipelineFiles);
    m_pipelineFolders = std::move(loaded.pipelineFolders);
    m_findings = std::move(loaded.findings);
    m_loaded = true;
    watchNewFolders();
    qCDebug(lcSession) << "workspace" << m_options.root << (first ? "loaded" : "reloaded")
                       << m_findings.size() << "findings";
    applyConnections();
    applyPrometheusServers();
    applyClusters();
    if (m_alertsWanted && m_workspace)
        m_alerts->apply(*m_workspace);
    if (first)
        Q_EMIT workspaceLoaded(m_findings);
    else
        Q_EMIT workspaceChanged(m_findings);
}

void WorkspaceSession::applyHistory(OpenedHistory opened)
{
    if (!opened.error.isEmpty()) {
        m_historyError = opened.error;
        Q_EMIT historyFailed(m_historyError);
        return;
    }
    m_ledger = std::move(opened.ledger);
    m_historyReady = true;
    Q_EMIT historyReady();
}

void WorkspaceSession::watchWorkspace()
{
    m_watcher = new QFileSystemWatcher(this);
    m_reload = new QTimer(this);
    m_reload->setSingleShot(true);
    m_reload->setInterval(kReloadDebounceMs);
    // Editors save atomically (a new file renamed over the old): the watch on the file ends
    // with the old one, so the folder is watched too and the file watched again after each.
    connect(m_watcher, &QFileSystemWatcher::fileChanged, m_reload, qOverload<>(&QTimer::start));
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, m_reload,
            qOverload<>(&QTimer::start));
    connect(m_reload, &QTimer::timeout, this, [this] {
        rearmWatch();
        loadAsync();
    });
    if (QFileInfo(m_options.root).isDir())
        m_watcher->addPath(m_options.root);
    rearmWatch();
}

void WorkspaceSession::watchNewFolders()
{
    // A file may have landed in a folder between the read that found the folder and its watch:
    // one more read finds it (and watches nothing new, so it is the last).
    if (rearmWatch())
        m_reload->start();
}

bool WorkspaceSession::rearmWatch()
{
    if (!m_watcher)
        return false;
    // The workspace file, the pipeline files found when it was read (edited in place, they
    // change) and the folders their patterns name, empty or not yet made (a file added there
    // shows without a restart).
    const QStringList watchedFiles = m_watcher->files();
    const QString file = workspaceFile(m_options.root);
    if (!watchedFiles.contains(file) && QFileInfo::exists(file))
        m_watcher->addPath(file);
    for (const QString& pipeline : std::as_const(m_pipelineFiles)) {
        if (!watchedFiles.contains(pipeline) && QFileInfo::exists(pipeline))
            m_watcher->addPath(pipeline);
    }
    bool added = false;
    const QStringList watchedFolders = m_watcher->directories();
    for (const QString& folder : std::as_const(m_pipelineFolders)) {
        if (!watchedFolders.contains(folder) && QFileInfo(folder).isDir())
            added = m_watcher->addPath(folder) || added;
    }
    return added;
}

void WorkspaceSession::applyConnections()
{
    if (!m_options.connectHosts)
        return;
    QStringList keys;
    QStringList problems;
    QList<std::pair<QString, DockerEndpoint>> wanted;
    const QList<Target> targets = m_workspace ? m_workspace->targets : QList<Target>();
    for (const Target& target : targets) {
        if (target.type != Target::Type::Docker)
            continue;
        const Result<DockerEndpoint> endpoint = endpointForTarget(target, m_options.root);
        if (!endpoint) {
            problems.append(tr("Target %1 (line %2): %3")
                                .arg(target.name)
                                .arg(target.line)
                                .arg(endpoint.error().toString()));
            continue;
        }
        keys.append(target.name + u'=' + endpoint->toString());
        wanted.append({target.name, *endpoint});
    }
    m_connectionProblems = problems;
    // A reload that leaves the targets as they were keeps the connections and their streams.
    if (keys == m_connectionKeys && !m_dockerHosts.empty())
        return;
    m_connectionKeys = keys;

    std::vector<std::unique_ptr<DockerHost>> previous = std::move(m_dockerHosts);
    m_dockerHosts.clear();
    m_hostOfTarget.clear();
    QHash<QString, DockerHost*> byEndpoint;
    for (const auto& [targetName, endpoint] : wanted) {
        // Several targets on one daemon share its host: one set of streams, not several.
        DockerHost*& host = byEndpoint[endpoint.toString()];
        if (!host) {
            m_dockerHosts.push_back(std::make_unique<DockerHost>(targetName, endpoint));
            host = m_dockerHosts.back().get();
        }
        m_hostOfTarget.insert(targetName, host);
    }
    for (const std::unique_ptr<DockerHost>& host : m_dockerHosts)
        host->start();
    Q_EMIT hostsChanged(dockerHosts());
    // Receivers have let go; the old hosts end their streams and threads here.
    previous.clear();
}

QStringList WorkspaceSession::pipelineFilesOf(const std::optional<Workspace>& workspace,
                                              const QString& root)
{
    if (workspace)
        return workspace->pipelineFiles;
    QStringList files = filesMatching(root, defaultPipelinePatterns());
    files.sort(Qt::CaseInsensitive); // by name, whatever the ending, as a folder lists them
    return files;
}

deploy::DeploymentContext WorkspaceSession::deploymentContext() const
{
    deploy::DeploymentContext context;
    if (m_workspace)
        context.workspace = *m_workspace;
    context.dataDir = m_options.dataDir;
    context.ledger = m_ledger;
    context.useKeyring = m_options.useKeyring;
    return context;
}

DockerHost* WorkspaceSession::dockerHost(const QString& targetName) const
{
    return m_hostOfTarget.value(targetName);
}

QList<DockerHost*> WorkspaceSession::dockerHosts() const
{
    QList<DockerHost*> hosts;
    for (const std::unique_ptr<DockerHost>& host : m_dockerHosts)
        hosts.append(host.get());
    return hosts;
}

Result<QStringList> WorkspaceSession::localImageTags(const Workspace& workspace,
                                                     const QString& applicationName,
                                                     const QString& environmentName)
{
    const Application* application = workspace.application(applicationName);
    if (!application)
        return Error{QStringLiteral("no application '%1' in the workspace").arg(applicationName),
                     workspace.file};
    const Result<std::unique_ptr<DockerClient>> client =
        connectEnvironmentHost(workspace, environmentName);
    if (!client)
        return client.error();
    const Result<QList<DockerImage>> images = (*client)->images();
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

QString WorkspaceSession::startPipeline(RunRequest request)
{
    if (!m_runnerHost || m_closing)
        return {};
    if (request.runId.isEmpty())
        request.runId = PipelineRunner::newRunId();
    m_runs.insert(request.runId);
    return m_runnerHost->start(std::move(request));
}

deploy::DeploymentJob* WorkspaceSession::startDeployment(const deploy::DeploymentRequest& request)
{
    if (!m_ledger || !m_workspace || m_closing)
        return nullptr;
    auto* job = new deploy::DeploymentJob(deploymentContext(), request, this);
    m_jobs.append(job);
    // First among the job's receivers: the session's count is right when the others hear.
    connect(job, &deploy::DeploymentJob::finished, this,
            [this, job](DeploymentStatus status, const QString& message) {
                m_jobs.removeOne(job);
                m_alerts->deploymentEnded(job->request().application, job->request().environment,
                                          status, message, job->deploymentId());
                Q_EMIT deploymentEnded(job, status, message);
                // Its thread has returned from its work: deleting it joins at once.
                job->deleteLater();
                workEnded();
            });
    Q_EMIT deploymentStarted(job);
    job->start();
    return job;
}

void WorkspaceSession::cancelAll()
{
    for (deploy::DeploymentJob* job : std::as_const(m_jobs))
        job->cancel();
    if (m_runnerHost && !m_runs.isEmpty())
        m_runnerHost->cancelAll();
}

void WorkspaceSession::closeWhenIdle(bool cancel)
{
    m_closing = true;
    if (m_reload)
        m_reload->stop();
    if (cancel)
        cancelAll();
    workEnded();
}

void WorkspaceSession::workEnded()
{
    if (isBusy())
        return;
    // Queued: the receivers of the signal that ended the work hear it before the session goes.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (isBusy())
                return;
            Q_EMIT idle();
            if (m_closing)
                deleteLater();
        },
        Qt::QueuedConnection);
}

} // namespace launchdeck
