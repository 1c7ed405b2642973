// The cluster view's widgets and their arrangement, and its actions with their keys.
#include "bannerwidget.h"
#include "closabletabs.h"
#include "clusterobjectdetails.h"
#include "clusterpanel.h"
#include "kubernetes/kubecluster.h"
#include "kubernetes/kubecolumns.h"
#include "liveobjectsfiltermodel.h"
#include "liveobjectsmodel.h"
#include "standardicon.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace launchdeck {

void ClusterPanel::buildLayout()
{
    auto* pickerLabel = new QLabel(tr("&Cluster:"), this);
    pickerLabel->setBuddy(m_clusterPicker);
    m_clusterPicker->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_allContexts->setToolTip(
        tr("Add a cluster for every context of the default kubeconfig, not only the workspace's"));
    m_connectionText->setTextFormat(Qt::PlainText);
    m_connectionText->setWordWrap(true);
    m_retry->setToolTip(tr("Try to reach the API server now instead of waiting"));
    auto* connection = new QFrame(this);
    connection->setFrameShape(QFrame::StyledPanel);
    auto* connectionLayout = new QHBoxLayout(connection);
    connectionLayout->setContentsMargins(6, 2, 4, 2);
    connectionLayout->addWidget(pickerLabel);
    connectionLayout->addWidget(m_clusterPicker);
    connectionLayout->addWidget(m_allContexts);
    connectionLayout->addSpacing(8);
    connectionLayout->addWidget(m_connectionIcon);
    connectionLayout->addWidget(m_connectionText, 1);
    connectionLayout->addWidget(m_retry);

    // Verification off is a standing risk, not a transient failure: it stays in view.
    m_warning->setTextFormat(Qt::PlainText);
    m_warning->setWordWrap(true);
    m_warning->setContentsMargins(6, 3, 6, 3);
    m_warning->setStyleSheet(QStringLiteral("background: #fff3cd; color: #664d03;"));
    m_warning->hide();

    auto* namespaceLabel = new QLabel(tr("Na&mespace:"), this);
    namespaceLabel->setBuddy(m_namespaces);
    m_namespaces->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_namespaces->setMinimumContentsLength(14);
    m_filterEdit->setPlaceholderText(tr("Filter by name or any column…"));
    enableClearButtonWhenShown(m_filterEdit);
    m_selectorEdit->setPlaceholderText(tr("Label selector, e.g. app=web,tier!=cache"));
    enableClearButtonWhenShown(m_selectorEdit);
    m_selectorEdit->setToolTip(tr("As kubectl's -l: =, ==, !=, in (…), notin (…), key, !key"));
    m_selectorError->setTextFormat(Qt::PlainText);
    m_selectorError->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_selectorError->hide();
    auto* filters = new QHBoxLayout;
    filters->setContentsMargins(0, 0, 0, 0);
    filters->addWidget(namespaceLabel);
    filters->addWidget(m_namespaces);
    filters->addWidget(m_filterEdit, 1);
    filters->addWidget(m_selectorEdit, 1);
    auto* selectorRow = new QHBoxLayout;
    selectorRow->setContentsMargins(0, 0, 0, 0);
    selectorRow->addStretch();
    selectorRow->addWidget(m_selectorError);

    for (const QString& kind : kube::viewedKinds())
        m_kinds->addItem(kind);
    m_kinds->setCurrentRow(0);
    m_kinds->setMinimumWidth(130);
    m_kinds->setMaximumWidth(200);

    m_view->setModel(m_filter);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(0, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    // Fitting columns looks at this many rows, not at all of 5,000 pods.
    m_view->horizontalHeader()->setResizeContentsPrecision(200);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
        QMenu menu(this);
        menu.addActions(m_toolBar->actions());
        menu.exec(m_view->viewport()->mapToGlobal(at));
    });

    auto* tableSide = new QWidget(this);
    auto* tableLayout = new QVBoxLayout(tableSide);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->setSpacing(2);
    tableLayout->addWidget(m_toolBar);
    tableLayout->addLayout(filters);
    tableLayout->addLayout(selectorRow);
    tableLayout->addWidget(m_view, 1);
    auto* vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(tableSide);
    vertical->addWidget(m_details);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    vertical->setChildrenCollapsible(false);

    auto* objects = new QSplitter(Qt::Horizontal, this);
    objects->addWidget(m_kinds);
    objects->addWidget(vertical);
    objects->setStretchFactor(1, 1);
    objects->setChildrenCollapsible(false);

    setUpClosableTabs(m_tabs, objects, tr("Objects"));

    m_statusLine->setTextFormat(Qt::PlainText);
    m_statusLine->setWordWrap(true);
    m_statusLine->setContentsMargins(6, 2, 6, 2);
    m_statusLine->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(connection);
    layout->addWidget(m_warning);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_statusLine);
}

void ClusterPanel::buildActions()
{
    const auto add = [this](const QString& text, QStyle::StandardPixmap icon, const QString& tip,
                            const QKeySequence& key) {
        auto* created = new QAction(standardIcon(icon), text, this);
        created->setToolTip(tip + u" (" + key.toString(QKeySequence::NativeText) + u')');
        created->setShortcut(key);
        created->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(created);
        m_toolBar->addAction(created);
        return created;
    };
    using Command = ClusterActions::Command;
    const std::pair<Command, QAction*> actions[] = {
        {Command::Scale, add(tr("&Scale…"), QStyle::SP_ArrowUp, tr("Set the number of replicas"),
                             Qt::CTRL | Qt::SHIFT | Qt::Key_S)},
        {Command::Restart, add(tr("&Restart"), QStyle::SP_BrowserReload,
                               tr("Replace the pods as kubectl rollout restart does"),
                               Qt::CTRL | Qt::SHIFT | Qt::Key_R)},
        {Command::SetImage,
         add(tr("Set &Image…"), QStyle::SP_FileDialogDetailedView,
             tr("Change the image of one container"), Qt::CTRL | Qt::SHIFT | Qt::Key_I)},
        {Command::Delete, add(tr("&Delete"), QStyle::SP_TrashIcon, tr("Delete the pod"),
                              Qt::CTRL | Qt::SHIFT | Qt::Key_Delete)},
    };
    for (const auto& [command, created] : actions) {
        m_actions.append(created);
        connect(created, &QAction::triggered, this, [this, command] {
            if (const kube::LiveObject* object = selectedObject())
                m_runner->run(command, *object);
        });
    }
    m_logs = add(tr("&Logs"), QStyle::SP_FileDialogContentsView, tr("Follow the pod's logs"),
                 Qt::CTRL | Qt::SHIFT | Qt::Key_L);
    connect(m_logs, &QAction::triggered, this, [this] {
        if (const kube::LiveObject* object = selectedObject())
            openLogsOf(*object);
    });
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->setIconSize(QSize(16, 16));
}

} // namespace launchdeck
