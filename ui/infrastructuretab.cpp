// Wiring of the offline editor: file I/O and validation run off the GUI thread; every answer
// is checked against what the user is looking at now before it is shown.
#include "infrastructuretab.h"

#include "bannerwidget.h"
#include "clusterpanel.h"
#include "diagnosticsmodel.h"
#include "dockerpanel.h"
#include "documentio.h"
#include "editordocument.h"
#include "findreplacebar.h"
#include "problemspanel.h"
#include "renderpreview.h"
#include "session/workspacesession.h"
#include "syntaxhighlighting.h"
#include "validationclient.h"
#include "workspacefilesmodel.h"
#include "yamleditor.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace launchdeck {

InfrastructureTab::InfrastructureTab(QWidget* parent)
    : QWidget(parent)
    , m_client(new ValidationClient(this))
    , m_diagnostics(new DiagnosticsModel(this))
    , m_files(new WorkspaceFilesModel(this))
    , m_tree(new QTreeView(this))
    , m_environment(new QComboBox(this))
    , m_fileHeader(new QLabel(this))
    , m_banner(new BannerWidget(this))
    , m_editorStack(new QStackedWidget(this))
    , m_emptyHint(new QLabel(this))
    , m_editor(new YamlEditor(this))
    , m_document(new EditorDocument(m_editor->document(), this))
    , m_findBar(new FindReplaceBar(m_editor, this))
    , m_preview(new RenderPreview(this))
    , m_problems(new ProblemsPanel(m_diagnostics, this))
    , m_horizontal(new QSplitter(Qt::Horizontal, this))
    , m_vertical(new QSplitter(Qt::Vertical, this))
    , m_docker(new DockerPanel(this))
    , m_clusters(new ClusterPanel(this))
    , m_sections(new QTabWidget(this))
    , m_debounce(new QTimer(this))
{
    createYamlHighlighter(m_editor->document());
    m_editor->setReadOnly(true);
    buildLayout();

    m_debounce->setSingleShot(true);
    m_debounce->setInterval(kDebounceMs);
    connect(m_debounce, &QTimer::timeout, this, &InfrastructureTab::validateCurrentNow);
    connect(m_editor->document(), &QTextDocument::contentsChanged, this, [this] {
        if (m_document->isOpen() && !m_document->isLoading())
            m_debounce->start();
    });
    connect(m_document, &EditorDocument::loaded, this, &InfrastructureTab::showDocument);
    connect(m_document, &EditorDocument::saved, this, &InfrastructureTab::fileSaved);
    connect(m_document, &EditorDocument::failed, this,
            [this](const QString& message) { m_banner->showMessage(message); });
    connect(m_editor->document(), &QTextDocument::modificationChanged, this,
            &InfrastructureTab::modificationChanged);
    connect(m_editor->document(), &QTextDocument::modificationChanged, this,
            &InfrastructureTab::updateHeader);

    connect(m_client, &ValidationClient::validated, this, &InfrastructureTab::onValidated);
    connect(m_client, &ValidationClient::rendered, this, &InfrastructureTab::onRendered);
    connect(m_client, &ValidationClient::busyChanged, this,
            &InfrastructureTab::validationBusyChanged);
    connect(m_preview, &RenderPreview::targetChanged, this, &InfrastructureTab::requestRender);
    connect(m_problems, &ProblemsPanel::findingActivated, this,
            [this](const QString& path, int line, int column) { openFile(path, line, column); });
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex& index) {
        if (!m_files->isDir(index))
            openFile(m_files->filePath(index));
    });
    connect(m_tree, &QTreeView::clicked, this, [this](const QModelIndex& index) {
        if (!m_files->isDir(index))
            openFile(m_files->filePath(index));
    });
    connect(m_files, &QFileSystemModel::directoryLoaded, this, [this](const QString& path) {
        // Show the workspace's folders open: it is small, and its layout is the point.
        if (QFileInfo(path).absoluteFilePath() == m_root)
            m_tree->expandToDepth(0);
    });
    connect(m_environment, &QComboBox::currentIndexChanged, this, [this] {
        Q_EMIT environmentChanged(environmentName(), validationLevel());
        revalidateWorkspace();
    });
}

InfrastructureTab::~InfrastructureTab() = default;

void InfrastructureTab::buildLayout()
{
    m_tree->setModel(m_files);
    m_tree->setHeaderHidden(true);
    for (int column = 1; column < m_files->columnCount(); ++column)
        m_tree->hideColumn(column);
    m_tree->setUniformRowHeights(true);
    m_tree->setAnimated(true);
    m_tree->setMinimumWidth(160);

    // Alt+E is the Edit menu's.
    auto* environmentLabel = new QLabel(tr("E&nvironment:"), this);
    environmentLabel->setBuddy(m_environment);
    m_environment->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_environment->setToolTip(tr("The environment whose validation level applies"));
    auto* top = new QHBoxLayout;
    top->setContentsMargins(8, 6, 8, 2);
    top->addWidget(environmentLabel);
    top->addWidget(m_environment);
    top->addStretch();

    m_fileHeader->setContentsMargins(6, 3, 6, 3);
    m_fileHeader->setTextFormat(Qt::PlainText);
    m_emptyHint->setText(tr("Choose a file in the workspace tree to edit it."));
    m_emptyHint->setAlignment(Qt::AlignCenter);
    m_emptyHint->setEnabled(false); // greyed: it explains, it is not content

    auto* editorPage = new QWidget(this);
    auto* editorLayout = new QVBoxLayout(editorPage);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->setSpacing(0);
    editorLayout->addWidget(m_fileHeader);
    editorLayout->addWidget(m_editor, 1);
    editorLayout->addWidget(m_findBar);
    m_editorStack->addWidget(m_emptyHint);
    m_editorStack->addWidget(editorPage);

    auto* centre = new QWidget(this);
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(2);
    centreLayout->addWidget(m_banner);
    centreLayout->addWidget(m_editorStack, 1);

    m_horizontal->addWidget(m_tree);
    m_horizontal->addWidget(centre);
    m_horizontal->addWidget(m_preview);
    m_horizontal->setStretchFactor(0, 0);
    m_horizontal->setStretchFactor(1, 3);
    m_horizontal->setStretchFactor(2, 2);
    m_horizontal->setSizes({240, 760, 480});
    m_horizontal->setChildrenCollapsible(false);

    m_vertical->addWidget(m_horizontal);
    m_vertical->addWidget(m_problems);
    m_vertical->setStretchFactor(0, 3);
    m_vertical->setStretchFactor(1, 1);
    m_vertical->setSizes({620, 220});
    m_vertical->setChildrenCollapsible(false);

    auto* workspacePage = new QWidget(this);
    auto* workspaceLayout = new QVBoxLayout(workspacePage);
    workspaceLayout->setContentsMargins(0, 0, 0, 0);
    workspaceLayout->setSpacing(0);
    workspaceLayout->addLayout(top);
    workspaceLayout->addWidget(m_vertical, 1);

    // Both views need the full width (a table of containers, an editor with its preview), so
    // they take turns rather than share a splitter.
    m_sections->setDocumentMode(true);
    m_sections->addTab(workspacePage, tr("&Workspace"));
    m_sections->addTab(m_docker, tr("&Docker"));
    m_sections->addTab(m_clusters, tr("Cl&usters"));
    m_sections->setTabToolTip(0, tr("Edit and validate the workspace's templates and manifests"));
    m_sections->setTabToolTip(1, tr("Browse and act on the workspace's Docker hosts"));
    m_sections->setTabToolTip(2, tr("Browse and act on the workspace's Kubernetes clusters"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_sections, 1);
    // Tab follows the screen: the environment above the tree.
    setTabOrder(m_environment, m_tree);
}

void InfrastructureTab::showDocker(bool docker)
{
    m_sections->setCurrentWidget(docker ? static_cast<QWidget*>(m_docker) : m_sections->widget(0));
}

void InfrastructureTab::showClusters()
{
    m_sections->setCurrentWidget(m_clusters);
}

QString InfrastructureTab::currentFile() const
{
    return m_document->path();
}

FileKind InfrastructureTab::currentKind() const
{
    return m_document->kind();
}

void InfrastructureTab::setSession(WorkspaceSession* session)
{
    if (m_session)
        disconnect(m_session, nullptr, this, nullptr);
    m_session = session;
    m_root = session ? session->root() : QString();
    m_workspaceName = QFileInfo(m_root).fileName();
    m_client->cancelAll();
    m_debounce->stop();
    m_diagnostics->clear();
    m_diagnostics->setBaseDirectory(m_root);
    m_document->close();
    {
        // A new workspace opens on its strictest environment, not on the last one's choice.
        const QSignalBlocker blocker(m_environment);
        m_environment->clear();
        m_levels.clear();
    }
    m_editor->setDiagnostics({});
    m_editor->setReadOnly(true);
    m_editorStack->setCurrentWidget(m_emptyHint);
    m_preview->setApplicable(false);
    ++m_scanGeneration;
    m_docker->setHosts(session ? session->dockerHosts() : QList<DockerHost*>());
    m_clusters->setSession(session);
    if (!session)
        return;
    m_tree->setRootIndex(m_files->setWorkspaceRoot(m_root));
    connect(session, &WorkspaceSession::hostsChanged, m_docker, &DockerPanel::setHosts);
    // The first parse and every reload of launchdeck.yaml: its environments, and every file
    // checked again in its context.
    connect(session, &WorkspaceSession::workspaceLoaded, this,
            &InfrastructureTab::revalidateWorkspace);
    connect(session, &WorkspaceSession::workspaceChanged, this,
            &InfrastructureTab::revalidateWorkspace);
    if (session->isLoaded())
        revalidateWorkspace();
}

void InfrastructureTab::applyScan(const WorkspaceScan& scan, const QString& preferredEnvironment)
{
    m_workspaceName = scan.name;
    {
        const QSignalBlocker blocker(m_environment);
        m_environment->clear();
        m_levels.clear();
        int chosen = 0;
        for (qsizetype i = 0; i < scan.environmentNames.size(); ++i) {
            const ValidationLevel level = scan.environmentLevels.at(i);
            m_environment->addItem(
                tr("%1 (%2)").arg(scan.environmentNames.at(i), validationLevelName(level)),
                scan.environmentNames.at(i));
            m_levels.append(level);
            // Default to the strictest environment: what passes there passes everywhere.
            if (level == scan.strictestLevel && m_levels.indexOf(level) == i)
                chosen = int(i);
        }
        if (m_levels.isEmpty()) {
            m_environment->addItem(tr("No environments (standard)"), QString());
            m_levels.append(ValidationLevel::Standard);
        }
        const int preferred = m_environment->findData(preferredEnvironment);
        m_environment->setCurrentIndex(preferred >= 0 && !preferredEnvironment.isEmpty() ? preferred
                                                                                         : chosen);
    }
    if (!scan.loaded)
        m_banner->showMessage(
            tr("%1 has no readable launchdeck.yaml; files are checked without its context.")
                .arg(QDir::toNativeSeparators(scan.root)),
            BannerWidget::Kind::Warning);
    if (!scan.unreadable.isEmpty())
        m_banner->showMessage(tr("Could not read %1").arg(scan.unreadable.join(u"; ")));

    for (const auto& [path, text] : scan.files) {
        // The open buffer, not the disk, is what the user is looking at.
        if (path == m_document->path())
            m_client->validate(path, m_editor->toPlainText().toUtf8(), validationOptions());
        else
            m_client->validate(path, text, validationOptions());
    }
    Q_EMIT workspaceOpened(m_root, m_workspaceName);
    Q_EMIT environmentChanged(environmentName(), validationLevel());
}

void InfrastructureTab::revalidateWorkspace()
{
    if (!m_session)
        return;
    const quint64 generation = ++m_scanGeneration;
    const QString chosen = environmentName();
    scanWorkspaceAsync(m_root, m_session->workspace())
        .then(this, [this, generation, chosen](const WorkspaceScan& scan) {
            if (generation != m_scanGeneration)
                return;
            applyScan(scan, chosen);
        });
}

QString InfrastructureTab::environmentName() const
{
    return m_environment->currentData().toString();
}

ValidationLevel InfrastructureTab::validationLevel() const
{
    const int index = m_environment->currentIndex();
    return index >= 0 && index < m_levels.size() ? m_levels.at(index) : ValidationLevel::Standard;
}

ValidationOptions InfrastructureTab::validationOptions() const
{
    ValidationOptions options;
    if (m_session && m_session->workspace())
        options = validationOptionsFor(*m_session->workspace(), environmentName());
    options.level = validationLevel();
    return options;
}

void InfrastructureTab::setEnvironment(const QString& name)
{
    const int index = m_environment->findData(name);
    if (index >= 0 && index != m_environment->currentIndex())
        m_environment->setCurrentIndex(index);
}

bool InfrastructureTab::isModified() const
{
    return m_document->isModified();
}

void InfrastructureTab::openFile(const QString& path, int line, int column)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (absolute == m_document->path()) {
        if (line > 0)
            m_editor->jumpTo(line, column);
        return;
    }
    confirmLeave([this, absolute, line, column] { m_document->load(absolute, line, column); });
}

void InfrastructureTab::showDocument(const QString& path, int line, int column)
{
    m_debounce->stop();
    m_editor->moveCursor(QTextCursor::Start);
    m_editor->setReadOnly(false);
    m_editor->setDiagnostics(m_diagnostics->diagnosticsFor(path));
    m_editorStack->setCurrentWidget(m_editor->parentWidget());
    m_preview->setApplicable(currentKind() == FileKind::Template);
    if (currentKind() == FileKind::Template) {
        // The preview opens on what the template is written for; the user may switch.
        static const QRegularExpression provider(QStringLiteral("^provider:\\s*[\"']?kubernetes"),
                                                 QRegularExpression::MultilineOption);
        m_preview->setTarget(provider.match(m_editor->toPlainText()).hasMatch()
                                 ? QStringLiteral("kubernetes")
                                 : QStringLiteral("compose"));
    }
    m_banner->hide();
    selectInTree(path);
    updateHeader();
    validateCurrentNow();
    if (line > 0)
        m_editor->jumpTo(line, column);
    Q_EMIT modificationChanged(false);
    Q_EMIT fileOpened(path);
}

void InfrastructureTab::validateCurrentNow()
{
    m_debounce->stop();
    if (!m_document->isOpen())
        return;
    m_client->validate(m_document->path(), m_editor->toPlainText().toUtf8(), validationOptions());
    requestRender();
}

void InfrastructureTab::requestRender()
{
    if (!m_document->isOpen() || currentKind() != FileKind::Template)
        return;
    m_client->render(m_document->path(), m_editor->toPlainText().toUtf8(), m_preview->target());
}

void InfrastructureTab::onValidated(const QString& path, const Diagnostics& diagnostics)
{
    m_diagnostics->setDiagnostics(path, diagnostics);
    if (path != m_document->path())
        return;
    Diagnostics own;
    for (const Diagnostic& d : diagnostics) {
        if (d.path.isEmpty() || QFileInfo(d.path).absoluteFilePath() == m_document->path())
            own.append(d);
    }
    m_editor->setDiagnostics(own);
}

void InfrastructureTab::onRendered(const QString& path, const QString& output,
                                   const Diagnostics& diagnostics)
{
    if (path == m_document->path())
        m_preview->showOutput(output, diagnostics);
}

void InfrastructureTab::save()
{
    // A saved launchdeck.yaml reaches the session through its watch, which revalidates.
    m_document->save();
}

void InfrastructureTab::revert()
{
    if (!m_document->isOpen())
        return;
    auto reload = [this] {
        m_document->load(m_document->path(), m_editor->currentLine(), m_editor->currentColumn());
    };
    if (!isModified()) {
        reload();
        return;
    }
    auto* box = new QMessageBox(QMessageBox::Question, tr("Revert"),
                                tr("Discard the changes to %1 and reload it from disk?")
                                    .arg(QFileInfo(m_document->path()).fileName()),
                                QMessageBox::Discard | QMessageBox::Cancel, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setDefaultButton(QMessageBox::Cancel);
    connect(box, &QMessageBox::finished, this, [box, reload](int) {
        if (box->clickedButton() == box->button(QMessageBox::Discard))
            reload();
    });
    box->open();
}

void InfrastructureTab::confirmLeave(std::function<void()> proceed)
{
    if (!isModified()) {
        proceed();
        return;
    }
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Unsaved changes"),
                        tr("%1 has unsaved changes.").arg(QFileInfo(m_document->path()).fileName()),
                        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box->setInformativeText(tr("Do you want to save them?"));
    box->setDefaultButton(QMessageBox::Save);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, proceed](int) {
        const auto choice = box->standardButton(box->clickedButton());
        if (choice == QMessageBox::Save) {
            m_document->save(proceed);
        } else if (choice == QMessageBox::Discard) {
            m_document->discardChanges();
            proceed();
        } else {
            selectInTree(m_document->path());
        }
    });
    box->open();
}

void InfrastructureTab::showFind()
{
    if (m_document->isOpen())
        m_findBar->showFind();
}

void InfrastructureTab::showReplace()
{
    if (m_document->isOpen())
        m_findBar->showReplace();
}

void InfrastructureTab::selectInTree(const QString& path)
{
    if (path.isEmpty()) {
        m_tree->clearSelection();
        return;
    }
    const QModelIndex index = m_files->index(path);
    if (index.isValid()) {
        m_tree->setCurrentIndex(index);
        m_tree->scrollTo(index);
    }
}

void InfrastructureTab::updateHeader()
{
    if (!m_document->isOpen()) {
        m_fileHeader->clear();
        return;
    }
    const QString relative = QDir(m_root).relativeFilePath(m_document->path());
    m_fileHeader->setText(tr("%1%2 — %3")
                              .arg(relative, isModified() ? QStringLiteral(" ●") : QString(),
                                   fileKindName(currentKind())));
}

QByteArray InfrastructureTab::saveLayout() const
{
    QByteArray state;
    QDataStream stream(&state, QIODevice::WriteOnly);
    stream << m_horizontal->saveState() << m_vertical->saveState()
           << m_problems->view()->horizontalHeader()->saveState()
           << qint32(m_sections->currentIndex());
    return state;
}

void InfrastructureTab::restoreLayout(const QByteArray& state)
{
    QDataStream stream(state);
    QByteArray horizontal;
    QByteArray vertical;
    QByteArray header;
    stream >> horizontal >> vertical >> header;
    if (stream.status() != QDataStream::Ok)
        return;
    m_horizontal->restoreState(horizontal);
    m_vertical->restoreState(vertical);
    m_problems->view()->horizontalHeader()->restoreState(header);
    // Layouts saved before the Docker view existed end here.
    qint32 section = 0;
    stream >> section;
    if (stream.status() == QDataStream::Ok && section >= 0 && section < m_sections->count())
        m_sections->setCurrentIndex(section);
}

} // namespace launchdeck
