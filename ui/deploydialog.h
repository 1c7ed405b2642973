// The Deploy dialog: application, environment, version (tags offered or typed), strategy,
// auto-rollback, force and a preview of the configuration change; a protected environment asks for
// its name typed before OK. The dialog starts nothing itself: its owner reads request() once it is
// accepted.
#pragma once

#include "deploymentdialogbase.h"

class QCheckBox;
class QComboBox;

namespace launchdeck {

// The tags to offer for the application in the environment, blocking: run on a pool thread.
// The Deployments tab asks the Docker host for its local images, or for an environment on a
// cluster the ledger for the tags deployed before; tests answer with fixed tags.
using TagsFunction =
    std::function<Result<QStringList>(const QString& application, const QString& environment)>;

class DeployDialog final : public DeploymentDialogBase
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeployDialog)

public:
    DeployDialog(const Workspace& workspace, PreviewFunction preview, TagsFunction tags,
                 QWidget* parent = nullptr);

    // Picks the pair the dialog opens on (the selected cell).
    void select(const QString& application, const QString& environment);
    deploy::DeploymentRequest request() const override;
    // A version is given and a protected environment's name is typed.
    bool canStart() const override;

    QComboBox* applicationBox() const { return m_application; }
    QComboBox* environmentBox() const { return m_environment; }
    QComboBox* versionBox() const { return m_version; }
    QComboBox* strategyBox() const { return m_strategy; }
    QCheckBox* autoRollbackBox() const { return m_autoRollback; }
    QCheckBox* forceBox() const { return m_force; }

Q_SIGNALS:
    void tagsLoaded();

private:
    const Application* currentApplication() const;
    const Environment* currentEnvironment() const;
    // The environment's target is a Kubernetes cluster.
    bool isOnCluster() const;
    void pairChanged();
    void loadTags();

    Workspace m_workspace;
    TagsFunction m_tags;
    QComboBox* m_application;
    QComboBox* m_environment;
    QComboBox* m_version;
    QComboBox* m_strategy;
    QCheckBox* m_autoRollback;
    QCheckBox* m_force;
    QLabel* m_tagsHint;
    quint64 m_tagsGeneration = 0;
};

} // namespace launchdeck
