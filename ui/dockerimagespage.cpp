// Image removal asks first, with force as an explicit choice; building is the build dialog's,
// pulling the pull dialog's. The table follows the host's image events, so what they add shows
// without a refresh.
#include "dockerimagespage.h"

#include "docker/dockerhost.h"
#include "dockerbuilddialog.h"
#include "dockerpulldialog.h"
#include "registrylogindialog.h"
#include "standardicon.h"

#include "dockerresourcemodels.h"
#include "keyhint.h"
#include "registry/registrylocation.h"

#include <QAction>
#include <QCheckBox>
#include <QHeaderView>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace launchdeck {

DockerImagesPage::DockerImagesPage(QWidget* parent)
    : QWidget(parent)
    , m_sorted(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
    , m_remove(new QAction(standardIcon(QStyle::SP_TrashIcon), tr("&Remove…"), this))
    , m_build(new QAction(standardIcon(QStyle::SP_FileDialogNewFolder), tr("&Build image…"), this))
    , m_pull(new QAction(standardIcon(QStyle::SP_ArrowDown), tr("&Pull image…"), this))
    , m_login(
          new QAction(standardIcon(QStyle::SP_DialogApplyButton), tr("&Log in to registry…"), this))
{
    m_sorted->setSortRole(DockerImagesModel::SortRole);
    m_sorted->setDynamicSortFilter(true);
    m_view->setModel(m_sorted);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(DockerImagesModel::Tags, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    // A width only holds once the column exists, which is when a host's model arrives.
    connect(m_view->horizontalHeader(), &QHeaderView::sectionCountChanged, this,
            [this](int, int count) {
                if (count > DockerImagesModel::Tags)
                    m_view->setColumnWidth(DockerImagesModel::Tags, 320);
            });
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addAction(m_remove);

    // Keys live while the focus is on this page, as the containers page's are.
    m_remove->setShortcut(QKeySequence::Delete);
    m_build->setShortcut(Qt::CTRL | Qt::Key_B);
    m_pull->setShortcut(Qt::CTRL | Qt::Key_P);
    m_login->setShortcut(Qt::CTRL | Qt::Key_L);
    for (QAction* each : {m_remove, m_build, m_pull, m_login}) {
        each->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(each);
    }
    setToolTipWithKey(m_remove, tr("Remove the selected images"));
    setToolTipWithKey(m_build, tr("Build an image from a Dockerfile in the workspace"));
    setToolTipWithKey(m_pull, tr("Pull an image from its registry"));
    setToolTipWithKey(m_login, tr("Keep a registry's user name and password in the keyring, "
                                  "where pulls, pushes and deployments find them"));
    connect(m_remove, &QAction::triggered, this, &DockerImagesPage::remove);
    connect(m_build, &QAction::triggered, this, &DockerImagesPage::build);
    connect(m_pull, &QAction::triggered, this, &DockerImagesPage::pull);
    connect(m_login, &QAction::triggered, this, &DockerImagesPage::logIn);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &DockerImagesPage::updateActions);

    auto* toolBar = new QToolBar(this);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->setIconSize(QSize(16, 16));
    toolBar->addAction(m_pull);
    toolBar->addAction(m_build);
    toolBar->addAction(m_remove);
    toolBar->addSeparator();
    toolBar->addAction(m_login);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(toolBar);
    layout->addWidget(m_view, 1);
    updateActions();
}

void DockerImagesPage::setSource(DockerHost* host, DockerImagesModel* model)
{
    m_host = host;
    m_model = model;
    m_sorted->setSourceModel(model);
    updateActions();
}

void DockerImagesPage::updateActions()
{
    m_remove->setEnabled(m_host && m_view->selectionModel()->hasSelection());
    m_build->setEnabled(m_host != nullptr);
    m_pull->setEnabled(m_host != nullptr);
}

void DockerImagesPage::remove()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows(DockerImagesModel::Tags);
    if (!m_host || rows.isEmpty())
        return;
    QStringList ids;
    QStringList names;
    for (const QModelIndex& index : rows) {
        ids.append(index.data(DockerImagesModel::IdRole).toString());
        names.append(index.data().toString());
    }
    QMessageBox box(QMessageBox::Warning, tr("Remove Images"),
                    tr("Remove %1?").arg(names.join(QStringLiteral(", "))),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("removeImagesConfirmation"));
    box.button(QMessageBox::Yes)->setText(tr("Remove"));
    auto* force = new QCheckBox(tr("Force: also untag images that containers still use"), &box);
    box.setCheckBox(force);
    box.setDefaultButton(QMessageBox::Cancel);
    if (box.exec() != QMessageBox::Yes || !m_host)
        return;
    for (qsizetype i = 0; i < ids.size(); ++i)
        Q_EMIT removeSent(m_host->removeImage(ids.at(i), force->isChecked()),
                          tr("Remove image %1").arg(names.at(i)));
}

void DockerImagesPage::build()
{
    if (!m_host)
        return;
    auto* dialog = new DockerBuildDialog(m_host, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void DockerImagesPage::pull()
{
    if (!m_host)
        return;
    auto* dialog = new DockerPullDialog(m_host, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void DockerImagesPage::logIn()
{
    // The registry of the selected image, when it names one.
    QString host;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows(DockerImagesModel::Tags);
    if (!rows.isEmpty()) {
        const QString tag = rows.first().data().toString().section(u',', 0, 0).trimmed();
        if (registry::namesRegistryHost(tag))
            host = registry::registryHostOf(tag);
    }
    RegistryLoginDialog::openFor(this, host);
}

} // namespace launchdeck
