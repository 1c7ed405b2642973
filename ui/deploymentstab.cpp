// The Deployments tab's views and their wiring to DeploymentsController: the matrix, the
// history, the details of the selected deployment and the Deploy and Rollback dialogs.
#include "deploymentstab.h"

#include "bannerwidget.h"
#include "deploydialog.h"
#include "deploymentcelldelegate.h"
#include "deploymenthistorymodel.h"
#include "deploymentmatrixmodel.h"
#include "deploymentprogressview.h"
#include "rollbackdialog.h"
#include "session/workspacesession.h"
#include "standardicon.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

namespace launchdeck {

namespace {

bool isOnCluster(const Workspace& workspace, const QString& environment)
{
    const Environment* env = workspace.environment(environment);
    const Target* target = env ? workspace.target(env->target) : nullptr;
    return target && target->type == Target::Type::Kubernetes;
}

// The versions of the application the ledger has seen, in any environment, newest first: what
// the Deploy dialog offers for a cluster, whose nodes pull their images themselves. A digest
// stays a whole reference, as the version field takes it.
QStringList deployedTags(DeploymentLedger& ledger, const Application& application)
{
    DeploymentFilter filter;
    filter.application = application.name;
    QStringList tags;
    const auto add = [&](const QString& image) {
        QString tag;
        if (image.startsWith(application.image + u':'))
            tag = image.mid(application.image.size() + 1);
        else if (image.startsWith(application.image + u'@'))
            tag = image;
        if (!tag.isEmpty() && !tags.contains(tag))
            tags.append(tag);
    };
    for (const DeploymentRecord& record : ledger.list(filter)) {
        add(record.to.image);
        if (record.from)
            add(record.from->image);
    }
    return tags;
}

} // namespace

DeploymentsTab::DeploymentsTab(MetricsStore* metrics, QWidget* parent)
    : QWidget(parent)
    , m_controller(new DeploymentsController(metrics, this))
    , m_banner(new BannerWidget(this))
    , m_deploy(new QPushButton(tr("&Deploy…"), this))
    , m_rollback(new QPushButton(tr("R&ollback…"), this))
    , m_refresh(new QPushButton(tr("&Refresh"), this))
    , m_statusHint(new QLabel(this))
    , m_matrixView(new QTableView(this))
    , m_historyView(new QTableView(this))
    , m_progress(new DeploymentProgressView(this))
{
    buildLayout();
    connectController();
    connect(m_deploy, &QPushButton::clicked, this, &DeploymentsTab::openDeployDialog);
    connect(m_rollback, &QPushButton::clicked, this, &DeploymentsTab::openRollbackDialog);
    connect(m_refresh, &QPushButton::clicked, m_controller, &DeploymentsController::refresh);
    connect(m_matrixView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid())
                    m_controller->selectPair(matrix()->application(current.row()),
                                             matrix()->environment(current.column()));
            });
    connect(m_historyView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid())
                    m_controller->showDeployment(
                        current.data(DeploymentHistoryModel::IdRole).toString());
            });
    connect(m_progress, &DeploymentProgressView::cancelRequested, m_controller,
            &DeploymentsController::cancelShown);
    connect(m_progress, &DeploymentProgressView::promoteRequested, m_controller,
            &DeploymentsController::promoteShown);
    m_controller->setHistoryRowChosen([this] { return m_historyView->currentIndex().isValid(); });
    m_statusHint->setText(tr("Waiting for the workspace and the history…"));
    updateActions();
}

DeploymentsTab::~DeploymentsTab() = default;

void DeploymentsTab::connectController()
{
    using Notice = DeploymentsController::Notice;
    connect(m_controller, &DeploymentsController::noticed, this,
            [this](const QString& text, Notice kind) {
                m_banner->showMessage(text, kind == Notice::Information
                                                ? BannerWidget::Kind::Information
                                            : kind == Notice::Warning ? BannerWidget::Kind::Warning
                                                                      : BannerWidget::Kind::Error);
            });
    connect(m_controller, &DeploymentsController::statusHintChanged, m_statusHint,
            &QLabel::setText);
    connect(m_controller, &DeploymentsController::actionsChanged, this,
            &DeploymentsTab::updateActions);
    connect(m_controller, &DeploymentsController::pairSelected, this,
            [this](const QString& application, const QString& environment) {
                const QModelIndex index =
                    matrix()->index(matrix()->rowOf(application), matrix()->columnOf(environment));
                if (index.isValid() && m_matrixView->currentIndex() != index)
                    m_matrixView->setCurrentIndex(index);
            });
    connect(m_controller, &DeploymentsController::detailsCleared, m_progress,
            &DeploymentProgressView::clear);
    connect(m_controller, &DeploymentsController::recordShown, m_progress,
            &DeploymentProgressView::showRecord);
    connect(m_controller, &DeploymentsController::jobFollowed, this,
            [this](const QString& title, DeploymentKind kind) {
                m_progress->begin(title, true, kind);
            });
    connect(m_controller, &DeploymentsController::jobReported, m_progress,
            &DeploymentProgressView::applyEvent);
    connect(m_controller, &DeploymentsController::statusRefreshed, this,
            &DeploymentsTab::statusRefreshed);
    connect(m_controller, &DeploymentsController::reconciled, this, &DeploymentsTab::reconciled);
    connect(m_controller, &DeploymentsController::historyShown, this,
            &DeploymentsTab::historyShown);
    connect(m_controller, &DeploymentsController::deploymentStarted, this,
            &DeploymentsTab::deploymentStarted);
    connect(m_controller, &DeploymentsController::deploymentFinished, this,
            &DeploymentsTab::deploymentFinished);
}

void DeploymentsTab::buildLayout()
{
    m_deploy->setIcon(standardIcon(QStyle::SP_ArrowUp));
    m_deploy->setToolTip(tr("Deploy a version of an application to an environment"));
    m_rollback->setIcon(standardIcon(QStyle::SP_ArrowBack));
    m_rollback->setToolTip(tr("Return the selected application and environment to an earlier "
                              "revision"));
    m_refresh->setIcon(standardIcon(QStyle::SP_BrowserReload));
    m_statusHint->setEnabled(false);

    m_matrixView->setObjectName(QStringLiteral("deploymentMatrix"));
    m_matrixView->setModel(matrix());
    m_matrixView->setItemDelegate(new DeploymentCellDelegate(m_matrixView));
    m_matrixView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_matrixView->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_matrixView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_matrixView->horizontalHeader()->setMinimumSectionSize(200);
    m_matrixView->verticalHeader()->setDefaultSectionSize(
        DeploymentCellDelegate::cellHeight(m_matrixView->fontMetrics()));
    m_matrixView->setWordWrap(false);

    m_historyView->setObjectName(QStringLiteral("deploymentHistory"));
    m_historyView->setModel(history());
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

void DeploymentsTab::setSession(WorkspaceSession* session)
{
    m_controller->setSession(session);
}

void DeploymentsTab::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    m_controller->setShown(true);
}

void DeploymentsTab::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_controller->setShown(false);
}

void DeploymentsTab::selectPair(const QString& application, const QString& environment)
{
    m_controller->selectPair(application, environment);
}

DeployDialog* DeploymentsTab::openDeployDialog()
{
    if (!isReady())
        return nullptr;
    const deploy::DeploymentContext context = m_controller->context();
    const Workspace workspace = context.workspace;
    const std::shared_ptr<DeploymentLedger> ledger = context.ledger;
    auto* dialog = new DeployDialog(
        workspace,
        [context](const deploy::DeploymentRequest& request) {
            return deploy::previewDeployment(context, request);
        },
        [workspace, ledger](const QString& application,
                            const QString& environment) -> Result<QStringList> {
            const Application* app = workspace.application(application);
            if (app && isOnCluster(workspace, environment))
                return deployedTags(*ledger, *app);
            return WorkspaceSession::localImageTags(workspace, application, environment);
        },
        registryVersionsFunction(workspace), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!selectedApplication().isEmpty())
        dialog->select(selectedApplication(), selectedEnvironment());
    connect(dialog, &QDialog::accepted, this, [this, dialog] { start(dialog->request()); });
    dialog->open();
    return dialog;
}

RollbackDialog* DeploymentsTab::openRollbackDialog()
{
    if (!isReady() || selectedApplication().isEmpty())
        return nullptr;
    const deploy::DeploymentContext context = m_controller->context();
    const std::shared_ptr<DeploymentLedger> ledger = context.ledger;
    auto* dialog = new RollbackDialog(
        context.workspace, selectedApplication(), selectedEnvironment(),
        m_controller->selectedStatus().live,
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

void DeploymentsTab::updateActions()
{
    const bool ready = isReady() && matrix()->rowCount() > 0 && matrix()->columnCount() > 0;
    m_deploy->setEnabled(ready);
    m_rollback->setEnabled(ready && !selectedApplication().isEmpty() &&
                           !isRunning(selectedApplication(), selectedEnvironment()));
    m_refresh->setEnabled(isReady());
}

} // namespace launchdeck
