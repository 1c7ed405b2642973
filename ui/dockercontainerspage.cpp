// The containers table's actions: each goes to the host as an asynchronous request, and the
// page says what was asked so the panel can name the container when the daemon refuses.
#include "dockercontainerspage.h"

#include "docker/dockerhost.h"
#include "dockercontainersfiltermodel.h"
#include "dockercontainersmodel.h"
#include "keyhint.h"
#include "standardicon.h"

#include <QAction>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include <iterator>

namespace launchdeck {

namespace {

bool isRunning(const QString& state)
{
    return state == u"running" || state == u"restarting";
}

QString joinNames(const QList<DockerContainer>& containers)
{
    QStringList names;
    for (const DockerContainer& container : containers)
        names.append(container.name);
    return names.join(QStringLiteral(", "));
}

} // namespace

DockerContainersPage::DockerContainersPage(QWidget* parent)
    : QWidget(parent)
    , m_filter(new DockerContainersFilterModel(this))
    , m_view(new QTableView(this))
    , m_filterEdit(new QLineEdit(this))
    , m_runningOnly(new QCheckBox(tr("&Running only"), this))
    , m_toolBar(new QToolBar(this))
{
    m_filterEdit->setPlaceholderText(tr("Filter by name, image or id…"));
    enableClearButtonWhenShown(m_filterEdit);
    connect(m_filterEdit, &QLineEdit::textChanged, m_filter, &DockerContainersFilterModel::setText);
    connect(m_runningOnly, &QCheckBox::toggled, m_filter,
            &DockerContainersFilterModel::setRunningOnly);

    m_view->setModel(m_filter);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(DockerContainersModel::Name, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);

    buildActions();

    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_toolBar, 1);
    top->addWidget(m_filterEdit);
    top->addWidget(m_runningOnly);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);

    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
        QMenu menu(this);
        menu.addActions(m_actions);
        menu.insertSeparator(action(Command::Rename));
        menu.insertSeparator(action(Command::Inspect));
        menu.exec(m_view->viewport()->mapToGlobal(at));
    });
    connect(m_view, &QAbstractItemView::doubleClicked, this, [this] { send(Command::Logs); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &DockerContainersPage::updateActions);
    // A state change under the selection (an event, the answer to an action) re-decides too.
    connect(m_filter, &QAbstractItemModel::dataChanged, this, &DockerContainersPage::updateActions);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &DockerContainersPage::updateActions);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &DockerContainersPage::updateActions);
    updateActions();
}

void DockerContainersPage::buildActions()
{
    const auto add = [this](const QString& text, QStyle::StandardPixmap icon, const QString& tip) {
        auto* created = new QAction(standardIcon(icon), text, this);
        created->setToolTip(tip);
        m_actions.append(created);
        return created;
    };
    add(tr("&Start"), QStyle::SP_MediaPlay, tr("Start the selected containers"));
    add(tr("S&top"), QStyle::SP_MediaStop, tr("Stop the selected containers"));
    add(tr("R&estart"), QStyle::SP_BrowserReload, tr("Restart the selected containers"));
    add(tr("&Pause"), QStyle::SP_MediaPause, tr("Freeze the selected containers' processes"));
    add(tr("&Unpause"), QStyle::SP_MediaSkipForward, tr("Resume paused containers"));
    add(tr("Re&name…"), QStyle::SP_FileDialogDetailedView, tr("Rename the container"));
    add(tr("&Remove…"), QStyle::SP_TrashIcon, tr("Remove the selected containers"));
    add(tr("&Inspect"), QStyle::SP_FileDialogInfoView, tr("Show the container's configuration"));
    add(tr("&Logs"), QStyle::SP_FileDialogContentsView, tr("Follow the container's logs"));
    // Toolbar buttons take no focus and show no mnemonic: each action has a key of its own,
    // live while the focus is on this page, and named in its tooltip.
    const QKeySequence keys[] = {Qt::CTRL | Qt::SHIFT | Qt::Key_S,
                                 Qt::CTRL | Qt::SHIFT | Qt::Key_X,
                                 Qt::CTRL | Qt::SHIFT | Qt::Key_R,
                                 Qt::CTRL | Qt::SHIFT | Qt::Key_P,
                                 Qt::CTRL | Qt::SHIFT | Qt::Key_U,
                                 Qt::Key_F2,
                                 QKeySequence::Delete,
                                 Qt::CTRL | Qt::Key_I,
                                 Qt::CTRL | Qt::Key_L};
    static_assert(std::size(keys) == std::size_t(Command::Logs) + 1);
    for (int i = 0; i < m_actions.size(); ++i) {
        QAction* each = m_actions.at(i);
        each->setShortcut(keys[i]);
        each->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        setToolTipWithKey(each, each->toolTip());
        addAction(each);
    }

    for (int i = 0; i < m_actions.size(); ++i) {
        const auto command = static_cast<Command>(i);
        connect(m_actions.at(i), &QAction::triggered, this, [this, command] {
            if (command == Command::Rename)
                rename();
            else if (command == Command::Remove)
                remove();
            else
                send(command);
        });
    }
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->setIconSize(QSize(16, 16));
    m_toolBar->addActions(m_actions.mid(0, int(Command::Rename)));
    m_toolBar->addSeparator();
    m_toolBar->addActions(m_actions.mid(int(Command::Rename)));
}

QAction* DockerContainersPage::action(Command command) const
{
    return m_actions.at(static_cast<int>(command));
}

void DockerContainersPage::setSource(DockerHost* host, DockerContainersModel* model)
{
    m_host = host;
    m_model = model;
    m_filter->setSourceModel(model);
    if (model)
        applyColumnWidths();
    m_view->sortByColumn(m_view->horizontalHeader()->sortIndicatorSection(),
                         m_view->horizontalHeader()->sortIndicatorOrder());
    updateActions();
}

void DockerContainersPage::applyColumnWidths()
{
    // Widths only hold once the columns exist. Fixed widths, not ResizeToContents, which
    // would measure every row on each stats tick; the name takes what is left.
    QHeaderView* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(DockerContainersModel::Name, QHeaderView::Stretch);
    const QFontMetrics metrics = m_view->fontMetrics();
    const auto width = [&metrics](const QString& sample) {
        return metrics.horizontalAdvance(sample) + 24;
    };
    m_view->setColumnWidth(DockerContainersModel::Image,
                           width(QStringLiteral("storefront/web:1.4.2-rc1")));
    m_view->setColumnWidth(DockerContainersModel::State, width(QStringLiteral("Restarting")));
    m_view->setColumnWidth(DockerContainersModel::Health, width(QStringLiteral("unhealthy")));
    m_view->setColumnWidth(DockerContainersModel::Ports,
                           width(QStringLiteral("0.0.0.0:8080→80/tcp")));
    m_view->setColumnWidth(DockerContainersModel::Created, width(QStringLiteral("59 minutes ago")));
    m_view->setColumnWidth(DockerContainersModel::Cpu, width(QStringLiteral("100.0 %")));
    m_view->setColumnWidth(DockerContainersModel::Memory,
                           width(QStringLiteral("1023.9 MiB / 23.5 GiB")));
}

QList<DockerContainer> DockerContainersPage::selectedContainers() const
{
    QList<DockerContainer> out;
    if (!m_model)
        return out;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows()) {
        const int row = m_model->rowOf(index.data(DockerContainersModel::IdRole).toString());
        if (row >= 0)
            out.append(m_model->container(row));
    }
    return out;
}

void DockerContainersPage::updateActions()
{
    const QList<DockerContainer> selected = selectedContainers();
    const bool connected = m_host != nullptr;
    const auto any = [&](auto test) {
        return connected && std::any_of(selected.cbegin(), selected.cend(), test);
    };
    const auto stateIs = [](std::initializer_list<const char16_t*> states) {
        return [states](const DockerContainer& container) {
            for (const char16_t* state : states)
                if (container.state == QStringView(state))
                    return true;
            return false;
        };
    };
    action(Command::Start)->setEnabled(any(stateIs({u"created", u"exited"})));
    action(Command::Stop)->setEnabled(any(stateIs({u"running", u"restarting", u"paused"})));
    action(Command::Restart)
        ->setEnabled(any(stateIs({u"running", u"exited", u"created", u"restarting"})));
    action(Command::Pause)->setEnabled(any(stateIs({u"running"})));
    action(Command::Unpause)->setEnabled(any(stateIs({u"paused"})));
    action(Command::Rename)->setEnabled(connected && selected.size() == 1);
    action(Command::Remove)->setEnabled(connected && !selected.isEmpty());
    action(Command::Inspect)->setEnabled(connected && selected.size() == 1);
    action(Command::Logs)->setEnabled(connected && !selected.isEmpty());
}

void DockerContainersPage::send(Command command)
{
    if (!m_host)
        return;
    const QList<DockerContainer> selected = selectedContainers();
    for (const DockerContainer& container : selected) {
        switch (command) {
        case Command::Start:
            if (container.state == u"created" || container.state == u"exited")
                Q_EMIT actionSent(
                    m_host->containerAction(DockerContainerAction::Start, container.id),
                    tr("Start %1").arg(container.name));
            break;
        case Command::Stop:
            if (container.state != u"exited" && container.state != u"created")
                Q_EMIT actionSent(
                    m_host->containerAction(DockerContainerAction::Stop, container.id),
                    tr("Stop %1").arg(container.name));
            break;
        case Command::Restart:
            Q_EMIT actionSent(m_host->containerAction(DockerContainerAction::Restart, container.id),
                              tr("Restart %1").arg(container.name));
            break;
        case Command::Pause:
            if (container.state == u"running")
                Q_EMIT actionSent(
                    m_host->containerAction(DockerContainerAction::Pause, container.id),
                    tr("Pause %1").arg(container.name));
            break;
        case Command::Unpause:
            if (container.state == u"paused")
                Q_EMIT actionSent(
                    m_host->containerAction(DockerContainerAction::Unpause, container.id),
                    tr("Unpause %1").arg(container.name));
            break;
        case Command::Inspect:
            Q_EMIT inspectSent(m_host->inspectContainer(container.id), container.name);
            return; // one document at a time
        case Command::Logs:
            Q_EMIT logsRequested(container.id, container.name);
            break;
        case Command::Rename:
        case Command::Remove:
            break;
        }
    }
}

void DockerContainersPage::rename()
{
    const QList<DockerContainer> selected = selectedContainers();
    if (!m_host || selected.size() != 1)
        return;
    const DockerContainer container = selected.first();
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename Container"),
                                               tr("New name for %1:").arg(container.name),
                                               QLineEdit::Normal, container.name, &ok)
                             .trimmed();
    if (!ok || name.isEmpty() || name == container.name || !m_host)
        return;
    Q_EMIT actionSent(m_host->containerAction(DockerContainerAction::Rename, container.id, name),
                      tr("Rename %1 to %2").arg(container.name, name));
}

void DockerContainersPage::remove()
{
    const QList<DockerContainer> selected = selectedContainers();
    if (!m_host || selected.isEmpty())
        return;
    QList<DockerContainer> running;
    for (const DockerContainer& container : selected)
        if (isRunning(container.state) || container.state == u"paused")
            running.append(container);

    QMessageBox box(QMessageBox::Warning, tr("Remove Containers"),
                    selected.size() == 1
                        ? tr("Remove the container %1?").arg(selected.first().name)
                        : tr("Remove %n containers: %1?", nullptr, int(selected.size()))
                              .arg(joinNames(selected)),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("removeContainersConfirmation"));
    if (running.isEmpty()) {
        box.setInformativeText(tr("Their file systems are deleted; volumes are kept."));
        box.button(QMessageBox::Yes)->setText(tr("Remove"));
    } else {
        // Removing a running container kills it: the button itself says so.
        box.setInformativeText(tr("%1 still running. Force removal kills the processes first.")
                                   .arg(running.size() == 1
                                            ? tr("%1 is").arg(running.first().name)
                                            : tr("%1 are").arg(joinNames(running))));
        box.button(QMessageBox::Yes)->setText(tr("Force Remove"));
    }
    box.setDefaultButton(QMessageBox::Cancel);
    if (box.exec() != QMessageBox::Yes || !m_host)
        return;
    for (const DockerContainer& container : selected) {
        const bool force = running.end() != std::find_if(running.begin(), running.end(),
                                                         [&](const DockerContainer& other) {
                                                             return other.id == container.id;
                                                         });
        Q_EMIT actionSent(m_host->containerAction(DockerContainerAction::Remove, container.id,
                                                  force ? QStringLiteral("force") : QString()),
                          tr("Remove %1").arg(container.name));
    }
}

} // namespace launchdeck
