// The Deploy dialog: application, environment, version (local image tags or typed), strategy,
// auto-rollback and a preview of the configuration change; a protected environment asks for its
// name typed before OK. Also the preview pane and the confirmation field the Rollback dialog
// shares. The dialog starts nothing itself: its owner reads request() once it is accepted.
#pragma once

#include "core/result.h"
#include "deploy/deploymentengine.h"

#include <QDialog>

#include <functional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTextEdit;
class QTimer;

namespace launchdeck {

// Blocking functions the dialogs run on pool threads; the Deployments tab binds them to the
// engine and the Docker host, tests to fixed answers.
using PreviewFunction =
    std::function<Result<deploy::DeploymentPreview>(const deploy::DeploymentRequest&)>;
using TagsFunction =
    std::function<Result<QStringList>(const QString& application, const QString& environment)>;

// What Deploy or Rollback would change: the diff ('+' green, '-' red, monospace) with the
// preview's notes, computed off the GUI thread; an answer to a superseded request is dropped.
class DeploymentPreviewPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeploymentPreviewPane)

public:
    explicit DeploymentPreviewPane(PreviewFunction preview, QWidget* parent = nullptr);

    void request(const deploy::DeploymentRequest& request);
    void showPreview(const deploy::DeploymentPreview& preview);
    void showError(const QString& error);

    bool isBusy() const { return m_busy; }
    QTextEdit* diffView() const { return m_diff; }
    QLabel* summaryLabel() const { return m_summary; }

Q_SIGNALS:
    void previewReady(const launchdeck::deploy::DeploymentPreview& preview);

private:
    PreviewFunction m_preview;
    QLabel* m_summary;
    QTextEdit* m_diff;
    quint64 m_generation = 0;
    bool m_busy = false;
};

// The environment's name typed to confirm an action on a protected environment; always
// confirmed for an unprotected one.
class ProtectionField final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ProtectionField)

public:
    explicit ProtectionField(QWidget* parent = nullptr);

    void setEnvironment(const QString& name, bool isProtected);
    bool isConfirmed() const;
    QLineEdit* edit() const { return m_edit; }

Q_SIGNALS:
    void confirmationChanged();

private:
    QLabel* m_label;
    QLineEdit* m_edit;
    QString m_name;
    bool m_protected = false;
};

class DeployDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeployDialog)

public:
    DeployDialog(const Workspace& workspace, PreviewFunction preview, TagsFunction tags,
                 QWidget* parent = nullptr);

    // Picks the pair the dialog opens on (the selected cell).
    void select(const QString& application, const QString& environment);
    deploy::DeploymentRequest request() const;
    // A version is given and a protected environment's name is typed.
    bool canStart() const;

    QComboBox* applicationBox() const { return m_application; }
    QComboBox* environmentBox() const { return m_environment; }
    QComboBox* versionBox() const { return m_version; }
    QComboBox* strategyBox() const { return m_strategy; }
    QCheckBox* autoRollbackBox() const { return m_autoRollback; }
    ProtectionField* protection() const { return m_protection; }
    DeploymentPreviewPane* preview() const { return m_previewPane; }
    QPushButton* okButton() const;

public Q_SLOTS:
    // Refuses while canStart() is false, whatever asked (a click, Enter, a test).
    void accept() override;

Q_SIGNALS:
    void tagsLoaded();

private:
    const Application* currentApplication() const;
    const Environment* currentEnvironment() const;
    void pairChanged();
    void loadTags();
    void schedulePreview();
    void updateOk();

    Workspace m_workspace;
    TagsFunction m_tags;
    QComboBox* m_application;
    QComboBox* m_environment;
    QComboBox* m_version;
    QComboBox* m_strategy;
    QCheckBox* m_autoRollback;
    QLabel* m_tagsHint;
    ProtectionField* m_protection;
    DeploymentPreviewPane* m_previewPane;
    QDialogButtonBox* m_buttons;
    QTimer* m_previewTimer;
    quint64 m_tagsGeneration = 0;
};

} // namespace launchdeck
