// The Infrastructure tab: the offline editor (workspace file tree, YAML editor with inline
// findings, render preview, Problems panel, validated as the user types) beside the live
// Docker and Kubernetes cluster views.
#pragma once

#include "core/diagnostic.h"
#include "session/workspacesession.h"
#include "validation/validator.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTimer;
class QTreeView;

namespace launchdeck {

class BannerWidget;
class ClusterPanel;
class DiagnosticsModel;
class DockerHost;
class DockerPanel;
class EditorDocument;
class FindReplaceBar;
class ProblemsPanel;
class RenderPreview;
class ValidationClient;
class WorkspaceFilesModel;
class YamlEditor;
struct WorkspaceScan;

class InfrastructureTab final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InfrastructureTab)

public:
    explicit InfrastructureTab(QWidget* parent = nullptr);
    ~InfrastructureTab() override;

    // Shows the session's workspace (not owned) and validates its files in the background;
    // workspaceOpened follows, and again whenever the session reloads launchdeck.yaml.
    void setSession(WorkspaceSession* session);
    QString workspaceRoot() const { return m_root; }
    QString workspaceName() const { return m_workspaceName; }

    // Opens `path` (after the unsaved-changes guard) and moves to line:column when given.
    void openFile(const QString& path, int line = 0, int column = 0);
    QString currentFile() const;
    FileKind currentKind() const;
    EditorDocument* document() const { return m_document; }
    bool isModified() const;

    void save();
    void revert();
    // Runs `proceed` once the current file is saved or its changes discarded; never when the
    // user cancels or the save fails.
    void confirmLeave(std::function<void()> proceed);

    void showFind();
    void showReplace();

    QString environmentName() const;
    ValidationLevel validationLevel() const;
    // The chosen environment's level and Kubernetes release, for the editor's checks.
    ValidationOptions validationOptions() const;
    void setEnvironment(const QString& name);

    DockerPanel* dockerPanel() const { return m_docker; }
    // Brings the Docker view (or the editor) forward.
    void showDocker(bool docker = true);
    ClusterPanel* clusterPanel() const { return m_clusters; }
    void showClusters();

    QByteArray saveLayout() const;
    void restoreLayout(const QByteArray& state);

    YamlEditor* editor() const { return m_editor; }
    DiagnosticsModel* diagnostics() const { return m_diagnostics; }
    ProblemsPanel* problems() const { return m_problems; }
    RenderPreview* preview() const { return m_preview; }
    FindReplaceBar* findBar() const { return m_findBar; }
    BannerWidget* banner() const { return m_banner; }
    QTreeView* fileTree() const { return m_tree; }

    static constexpr int kDebounceMs = 300;

Q_SIGNALS:
    void workspaceOpened(const QString& root, const QString& name);
    void fileOpened(const QString& path);
    void fileSaved(const QString& path);
    void modificationChanged(bool modified);
    void environmentChanged(const QString& name, launchdeck::ValidationLevel level);
    void validationBusyChanged(bool busy);

private:
    void buildLayout();
    void applyScan(const WorkspaceScan& scan, const QString& preferredEnvironment);
    void revalidateWorkspace();
    void showDocument(const QString& path, int line, int column);
    void validateCurrentNow();
    void requestRender();
    void onValidated(const QString& path, const Diagnostics& diagnostics);
    void onRendered(const QString& path, const QString& output, const Diagnostics& diagnostics);
    void selectInTree(const QString& path);
    void updateHeader();

    QPointer<WorkspaceSession> m_session;
    ValidationClient* m_client;
    DiagnosticsModel* m_diagnostics;
    WorkspaceFilesModel* m_files;
    QTreeView* m_tree;
    QComboBox* m_environment;
    QLabel* m_fileHeader;
    BannerWidget* m_banner;
    QStackedWidget* m_editorStack;
    QLabel* m_emptyHint;
    YamlEditor* m_editor;
    EditorDocument* m_document;
    FindReplaceBar* m_findBar;
    RenderPreview* m_preview;
    ProblemsPanel* m_problems;
    QSplitter* m_horizontal;
    QSplitter* m_vertical;
    DockerPanel* m_docker;
    ClusterPanel* m_clusters;
    QTabWidget* m_sections; // the workspace editor, the Docker view and the cluster view
    QTimer* m_debounce;

    QString m_root;
    QString m_workspaceName;
    QList<ValidationLevel> m_levels; // by environment combo index
    quint64 m_scanGeneration = 0;    // drops scans of workspaces since replaced
};

} // namespace launchdeck
