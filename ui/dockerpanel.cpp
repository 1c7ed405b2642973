// The Docker panel's wiring: one set of models per host, fed by the host's signals on the GUI
// thread; the tables show the selected host's models and grey out while it is unreachable.
#include "dockerpanel.h"

#include "bannerwidget.h"
#include "closabletabs.h"
#include "containerlogview.h"
#include "docker/dockerhost.h"
#include "dockercontainersmodel.h"
#include "dockercontainerspage.h"
#include "dockerimagespage.h"
#include "dockerinspectdialog.h"
#include "dockerresourcemodels.h"
#include "statusdot.h"

#include <QDeadlineTimer>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <chrono>

namespace launchdeck {

namespace {

constexpr int kEntryRole = Qt::UserRole + 1;
constexpr int kPageRole = Qt::UserRole + 2;
constexpr int kHostItem = -1;

QTableView* makeTable(QSortFilterProxyModel* sorted, int sortRole, QWidget* parent)
{
    sorted->setSortRole(sortRole);
    sorted->setDynamicSortFilter(true);
    auto* view = new QTableView(parent);
    view->setModel(sorted);
    view->setSortingEnabled(true);
    view->sortByColumn(0, Qt::AscendingOrder);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    // A width only holds once the column exists, which is when a host's model arrives.
    QObject::connect(view->horizontalHeader(), &QHeaderView::sectionCountChanged, view,
                     [view](int, int count) {
                         if (count > 0)
                             view->setColumnWidth(0, 260);
                     });
    return view;
}

} // namespace

struct DockerPanel::HostEntry
{
    QPointer<DockerHost> host;
    std::unique_ptr<DockerContainersModel> containers = std::make_unique<DockerContainersModel>();
    std::unique_ptr<DockerImagesModel> images = std::make_unique<DockerImagesModel>();
    std::unique_ptr<DockerNetworksModel> networks = std::make_unique<DockerNetworksModel>();
    std::unique_ptr<DockerVolumesModel> volumes = std::make_unique<DockerVolumesModel>();
    QTreeWidgetItem* item = nullptr;
    QHash<Page, QTreeWidgetItem*> pages;
    QList<QMetaObject::Connection> connections;
    // What each pending request asked, so its failure can say so.
    QHash<quint64, QString> actions;
    QHash<quint64, QString> inspects;
    QDeadlineTimer nextAttempt;
};

DockerPanel::DockerPanel(QWidget* parent)
    : QWidget(parent)
    , m_tree(new QTreeWidget(this))
    , m_connectionIcon(new QLabel(this))
    , m_connectionText(new QLabel(this))
    , m_retry(new QPushButton(tr("Retry &now"), this))
    , m_banner(new BannerWidget(this))
    , m_tabs(new QTabWidget(this))
    , m_stack(new QStackedWidget(this))
    , m_emptyHint(new QLabel(this))
    , m_containers(new DockerContainersPage(this))
    , m_images(new DockerImagesPage(this))
    , m_networksSorted(new QSortFilterProxyModel(this))
    , m_volumesSorted(new QSortFilterProxyModel(this))
    , m_countdown(new QTimer(this))
    , m_ages(new QTimer(this))
{
    using namespace std::chrono_literals;
    m_networks = makeTable(m_networksSorted, DockerNetworksModel::SortRole, this);
    m_volumes = makeTable(m_volumesSorted, DockerVolumesModel::SortRole, this);
    buildLayout();

    connect(m_tree, &QTreeWidget::currentItemChanged, this, &DockerPanel::showCurrent);
    connect(m_retry, &QPushButton::clicked, this, [this] {
        if (HostEntry* entry = currentEntry(); entry && entry->host)
            entry->host->retryNow();
    });
    connect(m_containers, &DockerContainersPage::actionSent, this,
            [this](quint64 request, const QString& what) {
                if (HostEntry* entry = currentEntry())
                    entry->actions.insert(request, what);
            });
    connect(m_images, &DockerImagesPage::removeSent, this,
            [this](quint64 request, const QString& what) {
                if (HostEntry* entry = currentEntry())
                    entry->actions.insert(request, what);
            });
    connect(m_containers, &DockerContainersPage::inspectSent, this,
            [this](quint64 request, const QString& name) {
                if (HostEntry* entry = currentEntry())
                    entry->inspects.insert(request, name);
            });
    connect(m_containers, &DockerContainersPage::logsRequested, this, &DockerPanel::openLogs);

    m_countdown->setInterval(1s);
    connect(m_countdown, &QTimer::timeout, this, [this] {
        bool waiting = false;
        for (const auto& entry : m_entries) {
            if (entry->host && entry->host->status().state == DockerConnectionState::Disconnected) {
                waiting = true;
                updateHostItem(entry.get());
            }
        }
        updateConnectionBar();
        if (!waiting)
            m_countdown->stop();
    });
    m_ages->setInterval(1min);
    connect(m_ages, &QTimer::timeout, this, [this] {
        for (const auto& entry : m_entries)
            entry->containers->refreshAges();
    });
    m_ages->start();
    showCurrent();
}

DockerPanel::~DockerPanel()
{
    clearHosts();
}

void DockerPanel::buildLayout()
{
    m_tree->setHeaderHidden(true);
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setMinimumWidth(180);

    m_connectionText->setTextFormat(Qt::PlainText);
    m_connectionText->setWordWrap(true);
    m_retry->setToolTip(tr("Try to reach the daemon now instead of waiting"));
    auto* connection = new QFrame(this);
    connection->setFrameShape(QFrame::StyledPanel);
    auto* connectionLayout = new QHBoxLayout(connection);
    connectionLayout->setContentsMargins(6, 2, 4, 2);
    connectionLayout->addWidget(m_connectionIcon);
    connectionLayout->addWidget(m_connectionText, 1);
    connectionLayout->addWidget(m_retry);

    m_emptyHint->setText(tr("No Docker host: the workspace's targets name none."));
    m_emptyHint->setAlignment(Qt::AlignCenter);
    m_emptyHint->setEnabled(false);
    m_stack->addWidget(m_emptyHint);
    m_stack->addWidget(m_containers);
    m_stack->addWidget(m_images);
    m_stack->addWidget(m_networks);
    m_stack->addWidget(m_volumes);

    setUpClosableTabs(m_tabs, m_stack, tr("Resources"));

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(2);
    rightLayout->addWidget(connection);
    rightLayout->addWidget(m_banner);
    rightLayout->addWidget(m_tabs, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_tree);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({300, 900});
    splitter->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);
}

void DockerPanel::setHosts(const QList<DockerHost*>& hosts)
{
    clearHosts();
    for (DockerHost* host : hosts) {
        if (!host)
            continue;
        auto entry = std::make_unique<HostEntry>();
        entry->host = host;
        entry->item = new QTreeWidgetItem(m_tree);
        entry->item->setData(0, kEntryRole, QVariant::fromValue(quintptr(entry.get())));
        entry->item->setData(0, kPageRole, kHostItem);
        const std::pair<Page, QString> pages[] = {{Page::Containers, tr("Containers")},
                                                  {Page::Images, tr("Images")},
                                                  {Page::Networks, tr("Networks")},
                                                  {Page::Volumes, tr("Volumes")}};
        for (const auto& [page, title] : pages) {
            auto* child = new QTreeWidgetItem(entry->item, {title});
            child->setData(0, kEntryRole, QVariant::fromValue(quintptr(entry.get())));
            child->setData(0, kPageRole, static_cast<int>(page));
            entry->pages.insert(page, child);
        }
        entry->item->setExpanded(true);
        entry->nextAttempt = QDeadlineTimer(host->status().retryInMs);
        if (host->status().state == DockerConnectionState::Disconnected)
            m_countdown->start();
        HostEntry* raw = entry.get();
        m_entries.push_back(std::move(entry));
        connectHost(raw);
        updateHostItem(raw);
    }
    if (!m_entries.empty())
        m_tree->setCurrentItem(m_entries.front()->pages.value(Page::Containers));
    showCurrent();
}

QList<DockerHost*> DockerPanel::hosts() const
{
    QList<DockerHost*> out;
    for (const auto& entry : m_entries)
        if (entry->host)
            out.append(entry->host);
    return out;
}

void DockerPanel::clearHosts()
{
    // Log tabs follow hosts that may be about to go away.
    while (m_tabs->count() > 1) {
        QWidget* page = m_tabs->widget(1);
        m_tabs->removeTab(1);
        delete page;
    }
    m_containers->setSource(nullptr, nullptr);
    m_images->setSource(nullptr, nullptr);
    m_networksSorted->setSourceModel(nullptr);
    m_volumesSorted->setSourceModel(nullptr);
    for (const auto& entry : m_entries)
        for (const QMetaObject::Connection& connection : entry->connections)
            disconnect(connection);
    m_tree->clear();
    m_entries.clear();
}

void DockerPanel::connectHost(HostEntry* entry)
{
    DockerHost* host = entry->host;
    DockerContainersModel* containers = entry->containers.get();
    auto& c = entry->connections;
    c.append(connect(host, &DockerHost::containersReset, containers,
                     &DockerContainersModel::applyReset));
    c.append(connect(host, &DockerHost::containersChanged, containers,
                     &DockerContainersModel::applyChanged));
    c.append(connect(host, &DockerHost::containersRemoved, containers,
                     &DockerContainersModel::applyRemoved));
    c.append(
        connect(host, &DockerHost::statsSampled, containers, &DockerContainersModel::applyStats));
    c.append(connect(host, &DockerHost::imagesReset, entry->images.get(),
                     &DockerImagesModel::applyReset));
    c.append(connect(host, &DockerHost::networksReset, entry->networks.get(),
                     &DockerNetworksModel::applyReset));
    c.append(connect(host, &DockerHost::volumesReset, entry->volumes.get(),
                     &DockerVolumesModel::applyReset));
    c.append(connect(host, &DockerHost::statusChanged, this,
                     [this, entry](const DockerHostStatus& status) {
                         entry->nextAttempt = QDeadlineTimer(status.retryInMs);
                         if (status.state == DockerConnectionState::Disconnected)
                             m_countdown->start();
                         updateHostItem(entry);
                         if (entry == currentEntry())
                             showCurrent();
                     }));
    c.append(connect(host, &DockerHost::actionFinished, this,
                     [this, entry](quint64 request, const QString& error) {
                         const QString what = entry->actions.take(request);
                         if (!error.isEmpty())
                             reportFailure(what, error);
                     }));
    c.append(connect(host, &DockerHost::imageRemoved, this,
                     [this, entry](quint64 request, const QString& error) {
                         const QString what = entry->actions.take(request);
                         if (!error.isEmpty())
                             reportFailure(what, error);
                     }));
    c.append(
        connect(host, &DockerHost::containerInspected, this,
                [this, entry](quint64 request, const QJsonObject& inspect, const QString& error) {
                    if (!entry->inspects.contains(request))
                        return;
                    const QString name = entry->inspects.take(request);
                    if (!error.isEmpty()) {
                        reportFailure(tr("Inspect %1").arg(name), error);
                        return;
                    }
                    (new DockerInspectDialog(name, inspect, this))->show();
                }));
    c.append(connect(host, &QObject::destroyed, this, [this, entry] { forgetHost(entry); }));
    for (QAbstractItemModel* model : std::initializer_list<QAbstractItemModel*>{
             containers, entry->images.get(), entry->networks.get(), entry->volumes.get()}) {
        const auto recount = [this, entry] {
            updateCounts(entry);
        };
        c.append(connect(model, &QAbstractItemModel::rowsInserted, this, recount));
        c.append(connect(model, &QAbstractItemModel::rowsRemoved, this, recount));
        c.append(connect(model, &QAbstractItemModel::modelReset, this, recount));
    }
    c.append(connect(containers, &QAbstractItemModel::dataChanged, this,
                     [this, entry] { updateCounts(entry); }));
}

void DockerPanel::forgetHost(HostEntry* entry)
{
    const bool current = entry == currentEntry();
    for (int i = m_tabs->count() - 1; i >= 1; --i) {
        if (m_tabs->widget(i)->property("dockerHostEntry").value<quintptr>() == quintptr(entry)) {
            QWidget* page = m_tabs->widget(i);
            m_tabs->removeTab(i);
            page->deleteLater();
        }
    }
    if (current) {
        m_containers->setSource(nullptr, nullptr);
        m_images->setSource(nullptr, nullptr);
        m_networksSorted->setSourceModel(nullptr);
        m_volumesSorted->setSourceModel(nullptr);
    }
    for (const QMetaObject::Connection& connection : entry->connections)
        disconnect(connection);
    delete entry->item;
    std::erase_if(m_entries, [entry](const auto& owned) { return owned.get() == entry; });
    showCurrent();
}

DockerPanel::HostEntry* DockerPanel::entryOf(const DockerHost* host) const
{
    for (const auto& entry : m_entries)
        if (entry->host == host)
            return entry.get();
    return nullptr;
}

DockerPanel::HostEntry* DockerPanel::currentEntry() const
{
    const QTreeWidgetItem* item = m_tree->currentItem();
    if (!item)
        return nullptr;
    const quintptr key = item->data(0, kEntryRole).value<quintptr>();
    for (const auto& entry : m_entries)
        if (quintptr(entry.get()) == key && entry->host)
            return entry.get();
    return nullptr;
}

DockerHost* DockerPanel::currentHost() const
{
    const HostEntry* entry = currentEntry();
    return entry ? entry->host.data() : nullptr;
}

DockerPanel::Page DockerPanel::currentPage() const
{
    const QTreeWidgetItem* item = m_tree->currentItem();
    const int page = item ? item->data(0, kPageRole).toInt() : kHostItem;
    return page == kHostItem ? Page::Containers : static_cast<Page>(page);
}

DockerContainersModel* DockerPanel::containersModel(const DockerHost* host) const
{
    const HostEntry* entry = entryOf(host);
    return entry ? entry->containers.get() : nullptr;
}

void DockerPanel::showHost(DockerHost* host, Page page)
{
    if (HostEntry* entry = entryOf(host))
        m_tree->setCurrentItem(entry->pages.value(page));
}

void DockerPanel::showCurrent()
{
    HostEntry* entry = currentEntry();
    if (!entry) {
        m_stack->setCurrentWidget(m_emptyHint);
        updateConnectionBar();
        return;
    }
    DockerHost* host = entry->host;
    const bool connected = host->status().state == DockerConnectionState::Connected;
    // Actions go nowhere while the host is unreachable; the tables keep the last state.
    m_containers->setSource(connected ? host : nullptr, entry->containers.get());
    m_images->setSource(connected ? host : nullptr, entry->images.get());
    if (m_networksSorted->sourceModel() != entry->networks.get())
        m_networksSorted->setSourceModel(entry->networks.get());
    if (m_volumesSorted->sourceModel() != entry->volumes.get())
        m_volumesSorted->setSourceModel(entry->volumes.get());
    switch (currentPage()) {
    case Page::Containers:
        m_stack->setCurrentWidget(m_containers);
        break;
    case Page::Images:
        m_stack->setCurrentWidget(m_images);
        break;
    case Page::Networks:
        m_stack->setCurrentWidget(m_networks);
        break;
    case Page::Volumes:
        m_stack->setCurrentWidget(m_volumes);
        break;
    }
    m_stack->setEnabled(connected);
    updateConnectionBar();
}

QString DockerPanel::statusText(const HostEntry* entry, bool withHostName) const
{
    const DockerHostStatus& status = entry->host->status();
    const QString name = entry->host->name();
    switch (status.state) {
    case DockerConnectionState::Connecting:
        return withHostName
                   ? tr("Connecting to %1 (%2)…").arg(name, entry->host->endpoint().toString())
                   : tr("connecting…");
    case DockerConnectionState::Connected:
        return withHostName ? tr("Connected to %1 (%2): Docker Engine %3, API %4")
                                  .arg(name, entry->host->endpoint().toString(),
                                       status.version.engineVersion, status.version.apiVersion)
                            : tr("Docker %1").arg(status.version.engineVersion);
    case DockerConnectionState::Disconnected: {
        const qint64 seconds = (entry->nextAttempt.remainingTime() + 999) / 1000;
        const QString retry =
            tr("retry %1 in %2 s").arg(status.attempt + 1).arg(std::max<qint64>(0, seconds));
        if (!withHostName)
            return tr("disconnected — %1").arg(retry);
        const QString error = status.error.isEmpty() ? QString() : u": " + status.error;
        return tr("Disconnected from %1 (%2)%3. Showing the last known state; %4.")
            .arg(name, entry->host->endpoint().toString(), error, retry);
    }
    }
    return {};
}

void DockerPanel::updateHostItem(HostEntry* entry)
{
    if (!entry->host)
        return;
    const DockerHostStatus& status = entry->host->status();
    entry->item->setText(0, entry->host->name() + u" — " + statusText(entry, false));
    entry->item->setToolTip(0, statusText(entry, true));
    QColor colour(0x9e, 0x9e, 0x9e);
    if (status.state == DockerConnectionState::Connected)
        colour = dockerStateColour(QStringLiteral("running"));
    else if (status.state == DockerConnectionState::Disconnected)
        colour = dockerStateColour(QStringLiteral("dead"));
    entry->item->setIcon(0, statusDot(colour));
    updateCounts(entry);
}

void DockerPanel::updateCounts(HostEntry* entry)
{
    int running = 0;
    const DockerContainersModel& containers = *entry->containers;
    for (int row = 0; row < containers.rowCount(); ++row)
        if (containers.container(row).state == u"running")
            ++running;
    entry->pages.value(Page::Containers)
        ->setText(0, tr("Containers (%1 running of %2)").arg(running).arg(containers.rowCount()));
    entry->pages.value(Page::Images)->setText(0, tr("Images (%1)").arg(entry->images->rowCount()));
    entry->pages.value(Page::Networks)
        ->setText(0, tr("Networks (%1)").arg(entry->networks->rowCount()));
    entry->pages.value(Page::Volumes)
        ->setText(0, tr("Volumes (%1)").arg(entry->volumes->rowCount()));
}

void DockerPanel::updateConnectionBar()
{
    const HostEntry* entry = currentEntry();
    if (!entry) {
        m_connectionText->setText(m_entries.empty() ? tr("No Docker host configured.")
                                                    : tr("Choose a Docker host."));
        m_connectionIcon->clear();
        m_retry->hide();
        return;
    }
    const DockerConnectionState state = entry->host->status().state;
    m_connectionText->setText(statusText(entry, true));
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_connectionIcon->setPixmap(entry->item->icon(0).pixmap(size, size));
    m_retry->setVisible(state == DockerConnectionState::Disconnected);
}

QString DockerPanel::connectionText() const
{
    return m_connectionText->text();
}

void DockerPanel::reportFailure(const QString& what, const QString& error)
{
    m_banner->showMessage(what.isEmpty() ? error : tr("%1 failed: %2").arg(what, error));
}

void DockerPanel::openLogs(const QString& containerId, const QString& containerName)
{
    HostEntry* entry = currentEntry();
    if (!entry || !entry->host)
        return;
    for (int i = 1; i < m_tabs->count(); ++i) {
        QWidget* page = m_tabs->widget(i);
        if (page->property("dockerContainerId").toString() == containerId &&
            page->property("dockerHostEntry").value<quintptr>() == quintptr(entry)) {
            m_tabs->setCurrentIndex(i);
            return;
        }
    }
    auto* view = new ContainerLogView(entry->host, containerId, containerName, m_tabs);
    view->setProperty("dockerContainerId", containerId);
    view->setProperty("dockerHostEntry", QVariant::fromValue(quintptr(entry)));
    const int index = m_tabs->addTab(view, tr("Logs: %1").arg(containerName));
    m_tabs->setTabToolTip(
        index, tr("%1 on %2 (%3 closes the tab)")
                   .arg(containerName, entry->host->name(),
                        QKeySequence(QKeySequence::Close).toString(QKeySequence::NativeText)));
    m_tabs->setCurrentIndex(index);
}

} // namespace launchdeck
