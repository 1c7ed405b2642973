// The run view's layout: steps and artifacts side by side above the log.
#include "runview.h"

#include "logview.h"
#include "standardicon.h"
#include "stepsmodel.h"

#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTreeView>
#include <QUrl>
#include <QVBoxLayout>

namespace launchdeck {

RunView::RunView(StepsModel* steps, LogModel* log, QWidget* parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_steps(new QTreeView(this))
    , m_artifacts(new QListWidget(this))
    , m_openFolder(new QPushButton(tr("&Open Folder"), this))
    , m_log(new LogView(log, this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
{
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setText(tr("No run selected"));

    m_steps->setModel(steps);
    m_steps->setRootIsDecorated(false);
    m_steps->setUniformRowHeights(true);
    m_steps->setAlternatingRowColors(true);
    m_steps->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_steps->header()->setStretchLastSection(true);
    m_steps->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_steps->setColumnWidth(StepsModel::Name, 200);
    m_steps->setColumnWidth(StepsModel::Stage, 110);
    m_steps->setColumnWidth(StepsModel::Status, 100);
    m_steps->setColumnWidth(StepsModel::Attempt, 70);
    m_steps->setColumnWidth(StepsModel::Duration, 80);
    m_steps->setColumnWidth(StepsModel::ExitCode, 70);
    m_steps->setToolTip(tr("Double-click a step to show only its lines in the log"));
    connect(m_steps, &QTreeView::activated, this, [this, steps](const QModelIndex& index) {
        m_log->showStep(steps->row(index.row()).name);
    });

    m_openFolder->setIcon(standardIcon(QStyle::SP_DirOpenIcon));
    m_openFolder->setToolTip(tr("Open the run's folder: logs and artifacts"));
    m_openFolder->setEnabled(false);
    connect(m_openFolder, &QPushButton::clicked, this, [this] {
        if (!m_runDir.isEmpty())
            QDesktopServices::openUrl(QUrl::fromLocalFile(m_runDir));
    });
    connect(m_artifacts, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        QDesktopServices::openUrl(
            QUrl::fromLocalFile(QDir(m_runDir).filePath(item->data(Qt::UserRole).toString())));
    });

    auto* artifactsBox = new QWidget(this);
    auto* artifactsLayout = new QVBoxLayout(artifactsBox);
    artifactsLayout->setContentsMargins(0, 0, 0, 0);
    auto* artifactsLabel = new QLabel(tr("Artifacts"), artifactsBox);
    artifactsLayout->addWidget(artifactsLabel);
    artifactsLayout->addWidget(m_artifacts, 1);
    artifactsLayout->addWidget(m_openFolder);

    auto* top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(m_steps);
    top->addWidget(artifactsBox);
    top->setStretchFactor(0, 4);
    top->setStretchFactor(1, 1);
    top->setChildrenCollapsible(false);

    m_splitter->addWidget(top);
    m_splitter->addWidget(m_log);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_splitter, 1);
}

void RunView::setTitle(const QString& title)
{
    m_title->setText(title);
}

void RunView::setArtifacts(const QStringList& artifacts, const QString& runDir)
{
    m_runDir = runDir;
    m_openFolder->setEnabled(!runDir.isEmpty());
    m_artifacts->clear();
    for (const QString& path : artifacts) {
        auto* item = new QListWidgetItem(QFileInfo(path).fileName(), m_artifacts);
        item->setToolTip(QDir::toNativeSeparators(path));
        item->setData(Qt::UserRole, path);
        item->setIcon(standardIcon(QStyle::SP_FileIcon));
    }
    if (artifacts.isEmpty()) {
        auto* item = new QListWidgetItem(tr("No artifacts"), m_artifacts);
        item->setFlags(Qt::NoItemFlags);
    }
}

} // namespace launchdeck
