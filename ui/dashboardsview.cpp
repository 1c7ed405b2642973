// The Dashboards view's layout and what it reads from the session: the workspace's dashboards
// and pickers, the environment's Prometheus server, and from the ledger (on a pool thread) the
// live revision and the pair's deployments.
#include "dashboardsview.h"

#include "deploy/deploymentledger.h"
#include "metricschart.h"
#include "prometheus/prometheusserver.h"
#include "prometheus/serverendpoints.h"
#include "promqlpanel.h"
#include "promqlquerybar.h"
#include "session/workspacesession.h"

#include <QComboBox>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QSaveFile>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace launchdeck {

namespace {

constexpr int kColumns = 2;
// The longest window shown, and a margin: deployments older than this mark nothing.
constexpr qint64 kMarkerHorizonMs = 2 * 3'600'000;

struct LedgerInfo
{
    std::optional<Revision> revision;
    QList<DeploymentRecord> records;
};

void fill(QComboBox* box, const QStringList& names)
{
    const QSignalBlocker blocker(box);
    const QString current = box->currentText();
    box->clear();
    box->addItems(names);
    const int index = names.indexOf(current);
    box->setCurrentIndex(index >= 0 ? index : names.isEmpty() ? -1 : 0);
}

} // namespace

DashboardsView::DashboardsView(QWidget* parent)
    : QWidget(parent)
    , m_application(new QComboBox(this))
    , m_environment(new QComboBox(this))
    , m_queryBar(new PromQlQueryBar(this))
    , m_serverLabel(new QLabel(this))
    , m_empty(new QLabel(this))
    , m_scroll(new QScrollArea(this))
    , m_panelsPane(new QWidget)
    , m_grid(new QGridLayout(m_panelsPane))
{
    auto* applicationLabel = new QLabel(tr("&Application:"), this);
    applicationLabel->setBuddy(m_application);
    auto* environmentLabel = new QLabel(tr("E&nvironment:"), this);
    environmentLabel->setBuddy(m_environment);
    m_application->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_environment->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_serverLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* pickers = new QHBoxLayout;
    pickers->addWidget(applicationLabel);
    pickers->addWidget(m_application);
    pickers->addSpacing(12);
    pickers->addWidget(environmentLabel);
    pickers->addWidget(m_environment);
    pickers->addSpacing(12);
    pickers->addWidget(m_serverLabel, 1);

    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_grid->setContentsMargins(0, 0, 0, 0);
    m_grid->addWidget(m_empty, 1, 0, 1, kColumns);
    for (int column = 0; column < kColumns; ++column)
        m_grid->setColumnStretch(column, 1);
    m_scroll->setWidget(m_panelsPane);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(pickers);
    layout->addWidget(m_queryBar);
    layout->addWidget(m_scroll, 1);

    connect(m_application, &QComboBox::currentIndexChanged, this, [this] {
        rebuildPanels();
        refreshDeployments();
    });
    connect(m_environment, &QComboBox::currentIndexChanged, this, [this] {
        rebuildPanels();
        applyServer();
        refreshDeployments();
    });
    connect(m_queryBar, &PromQlQueryBar::submitted, this, &DashboardsView::drawAdHoc);
    rebuildPanels();
}

DashboardsView::~DashboardsView()
{
    for (const QMetaObject::Connection& connection : std::as_const(m_sessionConnections))
        disconnect(connection);
}

void DashboardsView::setSession(WorkspaceSession* session)
{
    for (const QMetaObject::Connection& connection : std::as_const(m_sessionConnections))
        disconnect(connection);
    m_sessionConnections.clear();
    m_session = session;
    if (session) {
        const auto reload = [this] {
            applyWorkspace();
        };
        m_sessionConnections << connect(session, &WorkspaceSession::workspaceLoaded, this, reload)
                             << connect(session, &WorkspaceSession::workspaceChanged, this, reload)
                             << connect(session, &WorkspaceSession::prometheusServersChanged, this,
                                        &DashboardsView::applyServer)
                             << connect(session, &WorkspaceSession::historyReady, this,
                                        &DashboardsView::refreshDeployments)
                             << connect(session, &WorkspaceSession::deploymentEnded, this,
                                        &DashboardsView::refreshDeployments);
    }
    applyWorkspace();
}

QString DashboardsView::currentApplication() const
{
    return m_application->currentText();
}

QString DashboardsView::currentEnvironment() const
{
    return m_environment->currentText();
}

void DashboardsView::selectPair(const QString& application, const QString& environment)
{
    m_application->setCurrentIndex(m_application->findText(application));
    m_environment->setCurrentIndex(m_environment->findText(environment));
}

void DashboardsView::applyWorkspace()
{
    QStringList applications;
    QStringList environments;
    if (m_session && m_session->workspace()) {
        for (const Application& application : m_session->workspace()->applications)
            applications.append(application.name);
        for (const Environment& environment : m_session->workspace()->environments)
            environments.append(environment.name);
    }
    fill(m_application, applications);
    fill(m_environment, environments);
    rebuildPanels();
    applyServer();
    refreshDeployments();
}

prometheus::PrometheusServer* DashboardsView::currentServer() const
{
    return m_session ? m_session->prometheusServer(currentEnvironment()) : nullptr;
}

QMap<QString, QString> DashboardsView::variables() const
{
    QMap<QString, QString> values;
    values.insert(QStringLiteral("app"), currentApplication());
    values.insert(QStringLiteral("env"), currentEnvironment());
    values.insert(QStringLiteral("revision"),
                  m_revision ? QString::number(*m_revision) : QString());
    QString nameSpace;
    if (m_session && m_session->workspace()) {
        const Workspace& workspace = *m_session->workspace();
        if (const Environment* environment = workspace.environment(currentEnvironment())) {
            if (const Target* target = workspace.target(environment->target))
                nameSpace = target->nameSpace;
        }
    }
    values.insert(QStringLiteral("namespace"), nameSpace);
    // A Docker container is its own pod: both name the container picked.
    values.insert(QStringLiteral("pod"), m_container);
    values.insert(QStringLiteral("container"), m_container);
    return values;
}

void DashboardsView::configure(PromQlPanel* panel)
{
    panel->setWindowMs(m_windowMs);
    panel->setPaused(m_paused, m_pausedAtMs);
    panel->setMarkers(m_markers);
    const QMap<QString, QString> values = variables();
    panel->setTitle(prometheus::expandVariables(panel->spec().title, values));
    panel->setQuery(prometheus::expandVariables(panel->spec().query, values));
}

void DashboardsView::rebuildPanels()
{
    for (QWidget* item : std::as_const(m_gridItems)) {
        m_grid->removeWidget(item);
        delete item;
    }
    m_gridItems.clear();
    m_panels.clear();
    const QString application = currentApplication();
    const QString environment = currentEnvironment();
    const QList<Dashboard> dashboards = m_session && m_session->workspace()
                                            ? m_session->workspace()->dashboards
                                            : QList<Dashboard>();
    int row = 2; // row 0: the ad-hoc panel; row 1: the empty note
    for (const Dashboard& dashboard : dashboards) {
        if ((!dashboard.applications.isEmpty() && !dashboard.applications.contains(application)) ||
            (!dashboard.environments.isEmpty() && !dashboard.environments.contains(environment)))
            continue;
        auto* heading = new QLabel(dashboard.name, m_panelsPane);
        QFont font = heading->font();
        font.setBold(true);
        heading->setFont(font);
        m_grid->addWidget(heading, row++, 0, 1, kColumns);
        m_gridItems.append(heading);
        for (qsizetype i = 0; i < dashboard.panels.size(); ++i) {
            auto* panel = new PromQlPanel(dashboard.panels[i], m_panelsPane);
            m_grid->addWidget(panel, row + int(i / kColumns), int(i % kColumns));
            m_gridItems.append(panel);
            m_panels.append(panel);
            configure(panel);
        }
        row += int((dashboard.panels.size() + kColumns - 1) / kColumns);
    }
    if (!m_session || !m_session->workspace())
        m_empty->setText(tr("No workspace is open."));
    else if (application.isEmpty() || environment.isEmpty())
        m_empty->setText(tr("The workspace names no application or no environment."));
    else
        m_empty->setText(tr("No dashboard for %1 on %2: add one under dashboards: in "
                            "launchdeck.yaml, or enter a PromQL query above.")
                             .arg(application, environment));
    m_empty->setVisible(m_panels.isEmpty() && !m_adHoc);
    applyServer();
}

void DashboardsView::applyServer()
{
    prometheus::PrometheusServer* server = currentServer();
    const QString environment = currentEnvironment();
    QString why;
    if (!server && !environment.isEmpty()) {
        const QString problem = m_session ? m_session->prometheusProblem(environment) : QString();
        why = !problem.isEmpty()
                  ? problem
                  : tr("Environment %1 names no Prometheus server (prometheus: in launchdeck.yaml)")
                        .arg(environment);
    }
    m_serverLabel->setText(server ? tr("Prometheus: %1").arg(server->endpoint().url) : why);
    m_queryBar->setServer(server);
    QList<PromQlPanel*> all = m_panels;
    if (m_adHoc)
        all.append(m_adHoc);
    for (PromQlPanel* panel : std::as_const(all)) {
        if (panel->server() != server || !server)
            panel->setServer(server, why);
    }
}

void DashboardsView::applyVariables()
{
    const QMap<QString, QString> values = variables();
    for (PromQlPanel* panel : std::as_const(m_panels)) {
        panel->setTitle(prometheus::expandVariables(panel->spec().title, values));
        panel->setQuery(prometheus::expandVariables(panel->spec().query, values));
    }
    if (m_adHoc)
        m_adHoc->setQuery(prometheus::expandVariables(m_adHocQuery, values));
}

void DashboardsView::setContainer(const QString& name)
{
    if (name == m_container)
        return;
    m_container = name;
    applyVariables();
}

void DashboardsView::refreshDeployments()
{
    const quint64 generation = ++m_ledgerGeneration;
    const std::shared_ptr<DeploymentLedger> ledger = m_session ? m_session->ledger() : nullptr;
    const QString application = currentApplication();
    const QString environment = currentEnvironment();
    if (!ledger || application.isEmpty() || environment.isEmpty()) {
        m_revision.reset();
        m_markers.clear();
        applyVariables();
        return;
    }
    QPointer<DashboardsView> guard(this);
    QtConcurrent::run([ledger, application, environment] {
        LedgerInfo info;
        info.revision = ledger->latestRevision(application, environment);
        DeploymentFilter filter;
        filter.application = application;
        filter.environment = environment;
        filter.since = QDateTime::currentDateTimeUtc().addMSecs(-kMarkerHorizonMs);
        filter.limit = 200;
        info.records = ledger->list(filter);
        return info;
    }).then(this, [this, guard, generation](LedgerInfo info) {
        if (!guard || generation != m_ledgerGeneration)
            return;
        m_revision = info.revision ? std::optional<int>(info.revision->number) : std::nullopt;
        m_markers.clear();
        for (const DeploymentRecord& record : std::as_const(info.records)) {
            const QString status =
                record.status ? deploymentStatusName(*record.status).toLower().replace(u'_', u' ')
                              : tr("running");
            m_markers.append({record.startedAt.toMSecsSinceEpoch(),
                              record.kind == DeploymentKind::Rollback ? MetricsMarkerKind::Rollback
                                                                      : MetricsMarkerKind::Deploy,
                              tr("r%1 (%2)").arg(record.to.number).arg(status)});
            // A deployment that rolled back by itself: where traffic went back is a moment of
            // its own on the charts, apart from where the deployment began.
            if (record.kind != DeploymentKind::Rollback &&
                record.status == DeploymentStatus::RolledBack && record.finishedAt.isValid())
                m_markers.append(
                    {record.finishedAt.toMSecsSinceEpoch(), MetricsMarkerKind::Rollback,
                     record.from ? tr("r%1 → r%2").arg(record.to.number).arg(record.from->number)
                                 : tr("r%1").arg(record.to.number)});
        }
        QList<PromQlPanel*> all = m_panels;
        if (m_adHoc)
            all.append(m_adHoc);
        for (PromQlPanel* panel : std::as_const(all))
            panel->setMarkers(m_markers);
        applyVariables();
    });
}

void DashboardsView::drawAdHoc(const QString& query)
{
    delete m_adHoc;
    m_adHoc = nullptr;
    m_adHocQuery = query;
    m_queryBar->clearError();
    if (!query.isEmpty()) {
        DashboardPanel spec;
        spec.title = tr("Query: %1").arg(query);
        spec.query = query;
        m_adHoc = new PromQlPanel(spec, m_panelsPane);
        m_grid->addWidget(m_adHoc, 0, 0, 1, kColumns);
        connect(
            m_adHoc, &PromQlPanel::answered, this, [this](const prometheus::QueryAnswer& answer) {
                if (answer.error.isEmpty()) {
                    m_queryBar->clearError();
                } else if (!answer.position.errorType.isEmpty()) {
                    m_queryBar->showError(
                        m_adHoc ? m_adHoc->query() : m_adHocQuery,
                        answer.position.message.isEmpty() ? answer.error : answer.position.message,
                        answer.position.line, answer.position.column);
                }
            });
        configure(m_adHoc);
        m_adHoc->setServer(currentServer(), m_serverLabel->text());
    }
    m_empty->setVisible(m_panels.isEmpty() && !m_adHoc);
}

void DashboardsView::setWindowMs(qint64 window)
{
    m_windowMs = window;
    for (PromQlPanel* panel : panels())
        panel->setWindowMs(window);
}

void DashboardsView::setPaused(bool paused, qint64 atMs)
{
    m_paused = paused;
    m_pausedAtMs = atMs;
    for (PromQlPanel* panel : panels())
        panel->setPaused(paused, atMs);
}

QList<PromQlPanel*> DashboardsView::panels() const
{
    QList<PromQlPanel*> all = m_panels;
    if (m_adHoc)
        all.append(m_adHoc);
    return all;
}

bool DashboardsView::exportPng(const QString& path)
{
    const QList<PromQlPanel*> shown = panels();
    if (shown.isEmpty())
        return false;
    // The panels as a whole, including those scrolled out of view.
    const QImage image = m_panelsPane->grab().toImage();
    return !image.isNull() && image.save(path, "PNG");
}

bool DashboardsView::exportCsv(const QString& path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !file.write("panel,time,series,value\n"))
        return false;
    for (PromQlPanel* panel : panels()) {
        if (!panel->writeCsv(&file))
            return false;
    }
    return file.commit();
}

} // namespace launchdeck
