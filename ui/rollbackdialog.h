// The Rollback dialog for one application × environment: the revision to return to (the
// previous one by default, any that was live before), a required reason, the options (preserve
// data, force, clean up), the preview of the change and, for a protected environment, its name
// typed. Like the Deploy dialog it starts nothing: its owner reads request() once accepted.
#pragma once

#include "deploymentdialogbase.h"

class QCheckBox;
class QComboBox;
class QLineEdit;

namespace launchdeck {

// Revisions that were live once, newest first (DeploymentLedger::liveRevisions). Blocking.
using RevisionsFunction =
    std::function<QList<Revision>(const QString& application, const QString& environment)>;

class RollbackDialog final : public DeploymentDialogBase
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RollbackDialog)

public:
    RollbackDialog(const Workspace& workspace, const QString& application,
                   const QString& environment, std::optional<Revision> live,
                   PreviewFunction preview, RevisionsFunction revisions, QWidget* parent = nullptr);

    deploy::DeploymentRequest request() const override;
    // A reason is given and a protected environment's name is typed.
    bool canStart() const override;

    QComboBox* revisionBox() const { return m_revision; }
    QLineEdit* reasonEdit() const { return m_reason; }
    QCheckBox* preserveDataBox() const { return m_preserveData; }
    QCheckBox* forceBox() const { return m_force; }
    QCheckBox* cleanUpBox() const { return m_cleanUp; }

Q_SIGNALS:
    void revisionsLoaded();

private:
    void loadRevisions(const RevisionsFunction& revisions);

    QString m_application;
    QString m_environment;
    std::optional<Revision> m_live;
    QComboBox* m_revision;
    QLineEdit* m_reason;
    QCheckBox* m_preserveData;
    QCheckBox* m_force;
    QCheckBox* m_cleanUp;
};

} // namespace launchdeck
