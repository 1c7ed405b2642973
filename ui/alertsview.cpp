// The Alerts view: tables over the watcher's answers, its filters and its silence actions.
#include "alertsview.h"

#include "alerts/alertswatcher.h"
#include "alertsfiltermodel.h"
#include "alertsmodel.h"
#include "session/sessionalerts.h"
#include "session/workspacesession.h"
#include "silencedialog.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace launchdeck {

namespace {

QTableView* makeTable(QAbstractItemModel* model, const QString& name, QWidget* parent)
{
    auto* table = new QTableView(parent);
    table->setObjectName(name);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setSortingEnabled(true);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(false);
    return table;
}

// Columns as wide as what they hold, up to a limit, the free text one taking the rest; fitted
// again as rows come (often while the view is hidden, so the limit is not the view's width).
void fitColumns(QTableView* table, int stretch)
{
    constexpr int widest = 250;
    QHeaderView* header = table->horizontalHeader();
    header->setSectionResizeMode(stretch, QHeaderView::Stretch);
    for (int column = 0; column < header->count(); ++column) {
        if (column == stretch)
            continue;
        table->resizeColumnToContents(column);
        header->resizeSection(column, std::min(header->sectionSize(column), widest));
    }
}

} // namespace

AlertsView::AlertsView(QWidget* parent)
    : QWidget(parent)
    , m_alerts(new AlertsModel(this))
    , m_silences(new SilencesModel(this))
    , m_alertsFilter(new AlertsFilterModel(this))
    , m_silencesFilter(new AlertsFilterModel(this))
    , m_environmentFilter(new QComboBox(this))
    , m_applicationFilter(new QComboBox(this))
    , m_silenceButton(new QPushButton(tr("&Silence…"), this))
    , m_expireButton(new QPushButton(tr("E&xpire Silence"), this))
    , m_summary(new QLabel(this))
    , m_problems(new QLabel(this))
    , m_lastAction(new QLabel(this))
{
    setObjectName(QStringLiteral("alertsView"));
    m_alertsFilter->setSourceModel(m_alerts);
    m_silencesFilter->setSourceModel(m_silences);
    m_alertsTable = makeTable(m_alertsFilter, QStringLiteral("alertsTable"), this);
    m_silencesTable = makeTable(m_silencesFilter, QStringLiteral("silencesTable"), this);
    m_alertsTable->sortByColumn(AlertsModel::Since, Qt::DescendingOrder);
    fitColumns(m_alertsTable, AlertsModel::Summary);
    fitColumns(m_silencesTable, SilencesModel::Comment);
    connect(m_alerts, &QAbstractItemModel::rowsInserted, this,
            [this] { fitColumns(m_alertsTable, AlertsModel::Summary); });
    connect(m_silences, &QAbstractItemModel::rowsInserted, this,
            [this] { fitColumns(m_silencesTable, SilencesModel::Comment); });
    m_silencesTable->sortByColumn(SilencesModel::Ends, Qt::AscendingOrder);
    m_environmentFilter->setObjectName(QStringLiteral("alertsEnvironmentFilter"));
    m_applicationFilter->setObjectName(QStringLiteral("alertsApplicationFilter"));
    m_silenceButton->setObjectName(QStringLiteral("silenceButton"));
    m_expireButton->setObjectName(QStringLiteral("expireSilenceButton"));
    m_problems->setObjectName(QStringLiteral("alertsProblems"));
    m_problems->setWordWrap(true);
    m_problems->setTextFormat(Qt::PlainText);
    m_problems->setStyleSheet(QStringLiteral("QLabel { background: #fff4e5; color: #8a4b00; "
                                             "border: 1px solid #f0c080; padding: 4px; }"));
    m_problems->hide();
    m_lastAction->setTextFormat(Qt::PlainText);

    auto* filters = new QHBoxLayout;
    auto* environmentLabel = new QLabel(tr("E&nvironment:"), this);
    environmentLabel->setBuddy(m_environmentFilter);
    auto* applicationLabel = new QLabel(tr("A&pplication:"), this);
    applicationLabel->setBuddy(m_applicationFilter);
    filters->addWidget(environmentLabel);
    filters->addWidget(m_environmentFilter);
    filters->addWidget(applicationLabel);
    filters->addWidget(m_applicationFilter);
    filters->addWidget(m_summary, 1);
    filters->addWidget(m_silenceButton);
    filters->addWidget(m_expireButton);

    auto* silencesPane = new QWidget(this);
    auto* silencesLayout = new QVBoxLayout(silencesPane);
    silencesLayout->setContentsMargins(0, 0, 0, 0);
    silencesLayout->addWidget(new QLabel(tr("Silences"), silencesPane));
    silencesLayout->addWidget(m_silencesTable);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_alertsTable);
    splitter->addWidget(silencesPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_problems);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_lastAction);

    m_environmentFilter->addItem(tr("All"), QString());
    m_applicationFilter->addItem(tr("All"), QString());
    connect(m_environmentFilter, &QComboBox::currentIndexChanged, this, [this] {
        const QString environment = m_environmentFilter->currentData().toString();
        m_alertsFilter->setEnvironment(environment);
        m_silencesFilter->setEnvironment(environment);
        updateActions();
    });
    connect(m_applicationFilter, &QComboBox::currentIndexChanged, this, [this] {
        const QString application = m_applicationFilter->currentData().toString();
        m_alertsFilter->setApplication(application);
        m_silencesFilter->setApplication(application);
        updateActions();
    });
    connect(m_silenceButton, &QPushButton::clicked, this, [this] { openSilenceDialog(); });
    connect(m_expireButton, &QPushButton::clicked, this, &AlertsView::expireSelectedSilence);
    connect(m_alertsTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &AlertsView::updateActions);
    connect(m_silencesTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &AlertsView::updateActions);
    connect(m_alertsTable, &QTableView::doubleClicked, this, [this] { openSilenceDialog(); });
    updateProblems();
    updateActions();
}

AlertsView::~AlertsView() = default;

void AlertsView::setSession(WorkspaceSession* session)
{
    disconnect(m_sessionConnection);
    if (!session || !session->alerts()) {
        setWatcher(nullptr);
        return;
    }
    m_sessionConnection =
        connect(session->alerts(), &SessionAlerts::watcherChanged, this, &AlertsView::setWatcher);
    setWatcher(session->alerts()->watcher());
}

void AlertsView::setWatcher(alerts::AlertsWatcher* watcher)
{
    for (const QMetaObject::Connection& connection : std::as_const(m_watcherConnections))
        disconnect(connection);
    m_watcherConnections.clear();
    m_pending.clear();
    m_watcher = watcher;
    // Another watcher is another source: the one place the tables start over.
    m_alerts->clear();
    m_silences->clear();
    const QString chosen = m_environmentFilter->currentData().toString();
    m_environmentFilter->blockSignals(true);
    while (m_environmentFilter->count() > 1)
        m_environmentFilter->removeItem(1);
    if (watcher) {
        for (const QString& environment : watcher->environments())
            m_environmentFilter->addItem(environment, environment);
    }
    const int keep = m_environmentFilter->findData(chosen);
    m_environmentFilter->setCurrentIndex(keep >= 0 ? keep : 0);
    m_environmentFilter->blockSignals(false);
    m_alertsFilter->setEnvironment(m_environmentFilter->currentData().toString());
    m_silencesFilter->setEnvironment(m_environmentFilter->currentData().toString());
    if (watcher) {
        m_watcherConnections.append(connect(watcher, &alerts::AlertsWatcher::alertsChanged, this,
                                            &AlertsView::applyEnvironment));
        m_watcherConnections.append(connect(
            watcher, &alerts::AlertsWatcher::silenceCreated, this,
            [this](quint64 request, const QString& environment, const QString& id,
                   const QString& error) {
                actionAnswered(request, tr("Silence %1 created in %2").arg(id.left(8), environment),
                               error);
            }));
        m_watcherConnections.append(connect(
            watcher, &alerts::AlertsWatcher::silenceExpired, this,
            [this](quint64 request, const QString& environment, const QString& id,
                   const QString& error) {
                actionAnswered(request, tr("Silence %1 expired in %2").arg(id.left(8), environment),
                               error);
            }));
        for (const alerts::EnvironmentAlerts& snapshot : watcher->snapshots())
            applyEnvironment(snapshot);
    }
    updateFilters();
    updateProblems();
    updateActions();
    Q_EMIT firingCountChanged(m_alerts->firingCount());
}

void AlertsView::applyEnvironment(const alerts::EnvironmentAlerts& alerts)
{
    const int before = m_alerts->firingCount();
    m_alerts->applyEnvironment(alerts);
    m_silences->applyEnvironment(alerts);
    updateFilters();
    updateProblems();
    updateActions();
    const int firing = m_alerts->firingCount();
    if (firing != before)
        Q_EMIT firingCountChanged(firing);
}

void AlertsView::updateFilters()
{
    QStringList applications;
    for (int row = 0; row < m_alerts->rowCount(); ++row) {
        const QString application = m_alerts->alert(row).application();
        if (!application.isEmpty() && !applications.contains(application))
            applications.append(application);
    }
    const QString chosen = m_applicationFilter->currentData().toString();
    if (!chosen.isEmpty() && !applications.contains(chosen))
        applications.append(chosen); // kept while chosen, even with no alert left
    applications.sort();
    QStringList shown;
    for (int i = 1; i < m_applicationFilter->count(); ++i)
        shown.append(m_applicationFilter->itemData(i).toString());
    if (shown == applications)
        return;
    m_applicationFilter->blockSignals(true);
    while (m_applicationFilter->count() > 1)
        m_applicationFilter->removeItem(1);
    for (const QString& application : std::as_const(applications))
        m_applicationFilter->addItem(application, application);
    m_applicationFilter->setCurrentIndex(std::max(0, m_applicationFilter->findData(chosen)));
    m_applicationFilter->blockSignals(false);
}

void AlertsView::updateProblems()
{
    int firing = 0;
    int suppressed = 0;
    int pending = 0;
    for (int row = 0; row < m_alerts->rowCount(); ++row) {
        const QString& state = m_alerts->alert(row).alert.state;
        firing += state == u"active" ? 1 : 0;
        suppressed += state == u"suppressed" ? 1 : 0;
    }
    QStringList problems;
    int environments = 0;
    if (m_watcher) {
        for (const alerts::EnvironmentAlerts& snapshot : m_watcher->snapshots()) {
            ++environments;
            pending += snapshot.pendingRules;
            const prometheus::ServerStatus& status = snapshot.alertmanager;
            if (snapshot.hasAlertmanager && status.state == prometheus::ServerState::Disconnected)
                problems.append(
                    tr("%1: Alertmanager unreachable — %2 (attempt %3, retrying in %4 s)")
                        .arg(snapshot.environment, status.error)
                        .arg(status.attempt)
                        .arg((status.retryInMs + 999) / 1000));
            if (!snapshot.rulesError.isEmpty())
                problems.append(tr("%1: %2").arg(snapshot.environment, snapshot.rulesError));
        }
    }
    m_problems->setText(problems.join(u'\n'));
    m_problems->setVisible(!problems.isEmpty());
    if (!m_watcher) {
        m_summary->setText(tr("No environment has an Alertmanager or a threshold rule."));
        return;
    }
    QString summary = tr("%n firing, %1 suppressed", nullptr, firing).arg(suppressed);
    summary += environments == 1 ? tr(" in 1 environment")
                                 : tr(" in %n environments", nullptr, environments);
    if (pending > 0)
        summary +=
            pending == 1 ? tr("; 1 rule pending") : tr("; %n rules pending", nullptr, pending);
    m_summary->setText(summary);
}

void AlertsView::updateActions()
{
    const QModelIndex alert = m_alertsTable->currentIndex();
    bool canSilence = false;
    bool canExpire = m_silencesTable->currentIndex().isValid();
    if (alert.isValid() && m_watcher) {
        const alerts::WatchedAlert& watched =
            m_alerts->alert(m_alertsFilter->mapToSource(alert).row());
        const auto snapshot = m_watcher->snapshots().constFind(watched.environment);
        // Launchdeck's own rules live in no Alertmanager: nothing there to silence them.
        canSilence = watched.source == alerts::alertmanagerSource() &&
                     snapshot != m_watcher->snapshots().cend() && snapshot->hasAlertmanager;
        canExpire = canExpire || !watched.alert.silencedBy.isEmpty();
    }
    m_silenceButton->setEnabled(canSilence);
    m_expireButton->setEnabled(canExpire && m_watcher);
}

SilenceDialog* AlertsView::openSilenceDialog()
{
    const QModelIndex current = m_alertsTable->currentIndex();
    if (!current.isValid() || !m_watcher || !m_silenceButton->isEnabled())
        return nullptr;
    const alerts::WatchedAlert watched =
        m_alerts->alert(m_alertsFilter->mapToSource(current).row());
    auto* dialog = new SilenceDialog(watched.environment, watched.alert.labels, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        if (m_watcher)
            m_pending.append(m_watcher->createSilence(dialog->environment(), dialog->silence()));
    });
    dialog->open();
    return dialog;
}

void AlertsView::expireSelectedSilence()
{
    if (!m_watcher)
        return;
    QString environment;
    QString id;
    if (const QModelIndex silence = m_silencesTable->currentIndex(); silence.isValid()) {
        const SilenceRow& row = m_silences->silence(m_silencesFilter->mapToSource(silence).row());
        environment = row.environment;
        id = row.silence.id;
    } else if (const QModelIndex alert = m_alertsTable->currentIndex(); alert.isValid()) {
        const alerts::WatchedAlert& watched =
            m_alerts->alert(m_alertsFilter->mapToSource(alert).row());
        environment = watched.environment;
        id = watched.alert.silencedBy.value(0);
    }
    if (!id.isEmpty())
        m_pending.append(m_watcher->expireSilence(environment, id));
}

void AlertsView::actionAnswered(quint64 request, const QString& what, const QString& error)
{
    if (!m_pending.removeOne(request))
        return;
    if (error.isEmpty()) {
        m_lastAction->setText(what);
        return;
    }
    m_lastAction->setText(error);
    // A failed action the user asked for: said where it cannot be missed.
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Alerts"), error, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("alertsActionFailed"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

QString AlertsView::problemsText() const
{
    return m_problems->text();
}

QString AlertsView::lastActionText() const
{
    return m_lastAction->text();
}

void AlertsView::followWithStatusLabel(QLabel* label)
{
    label->hide();
    connect(this, &AlertsView::firingCountChanged, label, [label](int firing) {
        label->setText(
            QStringLiteral("<a href=\"alerts\" style=\"color:#c62828\">%1</a>")
                .arg(firing == 1 ? tr("1 alert firing") : tr("%n alerts firing", nullptr, firing)));
        label->setVisible(firing > 0);
    });
}

} // namespace launchdeck
