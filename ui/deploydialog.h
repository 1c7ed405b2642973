// The Deploy dialog: application, environment, version (tags offered or typed), strategy,
// auto-rollback, force and a preview of the configuration change; a protected environment asks for
// its name typed before OK. The dialog starts nothing itself: its owner reads request() once it is
// accepted.
#pragma once

#include "deploymentdialogbase.h"
#include "session/registryversions.h"

class QCheckBox;
class QComboBox;
class QStandardItemModel;

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
    // The columns of the version box's popup; the box's text is the tag.
    enum VersionColumn { TagColumn, OriginColumn };
    // Where an offered tag was found, as Qt::UserRole of its TagColumn item.
    enum TagOrigin { Local = 1, Registry = 2 };

    // `registryTags` (may be empty) lists the repository's tags in its registry, asked beside
    // `tags` on another pool thread; either may fail without hiding what the other found.
    DeployDialog(const Workspace& workspace, PreviewFunction preview, TagsFunction tags,
                 RegistryVersionsFunction registryTags = {}, QWidget* parent = nullptr);

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
    QLabel* tagsHint() const { return m_tagsHint; }
    // The offered tags in the order the popup lists them, and where each was found.
    QStringList offeredTags() const;
    int tagOrigin(const QString& tag) const;

Q_SIGNALS:
    // The local (or deployed) tags arrived; registryTagsLoaded when the registry's did.
    void tagsLoaded();
    void registryTagsLoaded();

private:
    const Application* currentApplication() const;
    const Environment* currentEnvironment() const;
    // The environment's target is a Kubernetes cluster.
    bool isOnCluster() const;
    void pairChanged();
    void loadTags();
    // Rebuilds the offered tags from both answers, keeping what is typed.
    void showTags();
    void updateTagsHint();

    Workspace m_workspace;
    TagsFunction m_tags;
    RegistryVersionsFunction m_registryTags;
    QComboBox* m_application;
    QComboBox* m_environment;
    QComboBox* m_version;
    QComboBox* m_strategy;
    QCheckBox* m_autoRollback;
    QCheckBox* m_force;
    QLabel* m_tagsHint;
    QStandardItemModel* m_versions;
    quint64 m_tagsGeneration = 0; // both answers are dropped once the pair changes
    // The answers for the current pair; none while asked.
    std::optional<Result<QStringList>> m_localAnswer;
    std::optional<Result<RegistryVersions>> m_registryAnswer;
};

} // namespace launchdeck
