// The Rollback dialog's fields: revisions read off the GUI thread, the preview of returning to
// the chosen one, and OK held back until a reason (and a protected environment's name) is given.
#include "rollbackdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace launchdeck {

namespace {

constexpr int kPreviousRevision = -1; // the combo's data for "the one before the live one"

} // namespace

RollbackDialog::RollbackDialog(const Workspace& workspace, const QString& application,
                               const QString& environment, std::optional<Revision> live,
                               PreviewFunction preview, RevisionsFunction revisions,
                               QWidget* parent)
    : DeploymentDialogBase(std::move(preview), parent)
    , m_application(application)
    , m_environment(environment)
    , m_live(std::move(live))
    , m_revision(new QComboBox(this))
    , m_reason(new QLineEdit(this))
    , m_preserveData(
          new QCheckBox(tr("&Preserve data (keep the volumes of removed containers)"), this))
    , m_force(
          new QCheckBox(tr("&Force (high findings do not stop it; critical ones still do)"), this))
    , m_cleanUp(
          new QCheckBox(tr("C&lean up the containers of the revision rolled away from"), this))
{
    setWindowTitle(tr("Roll Back %1 in %2").arg(application, environment));
    m_revision->addItem(tr("The previous revision"), kPreviousRevision);
    m_reason->setObjectName(QStringLiteral("rollbackReason"));
    m_reason->setPlaceholderText(tr("Why it is rolled back (required)"));
    m_preserveData->setChecked(true);
    m_cleanUp->setChecked(true);
    okButton()->setText(tr("&Roll Back"));
    const Environment* env = workspace.environment(environment);
    protection()->setEnvironment(environment, env && env->isProtected);
    // On a cluster a rollback changes Deployments and Services: there are no volumes to keep
    // and the ReplicaSets of the revision left stay as the Deployment's history. Force there
    // also takes fields other managers own.
    const Target* target = env ? workspace.target(env->target) : nullptr;
    if (target && target->type == Target::Type::Kubernetes) {
        m_preserveData->hide();
        m_cleanUp->hide();
        m_force->setText(tr("&Force (high findings do not stop it, fields other managers own "
                            "are taken; critical findings still stop it)"));
    }

    auto* options = new QVBoxLayout;
    options->addWidget(m_preserveData);
    options->addWidget(m_force);
    options->addWidget(m_cleanUp);
    auto* form = new QFormLayout;
    form->addRow(tr("Live now:"),
                 new QLabel(m_live ? tr("revision %1 (%2)").arg(m_live->number).arg(m_live->image)
                                   : tr("no live revision"),
                            this));
    form->addRow(tr("Return &to:"), m_revision);
    form->addRow(tr("R&eason:"), m_reason);
    form->addRow(tr("Options:"), options);
    setFields(form);

    connect(m_revision, &QComboBox::currentIndexChanged, this, &RollbackDialog::schedulePreview);
    connect(m_reason, &QLineEdit::textChanged, this, &RollbackDialog::updateOk);
    loadRevisions(revisions);
    updateOk();
    schedulePreview();
}

void RollbackDialog::loadRevisions(const RevisionsFunction& revisions)
{
    if (!revisions)
        return;
    QPointer<RollbackDialog> guard(this);
    QtConcurrent::run(revisions, m_application, m_environment)
        .then(this, [this, guard](const QList<Revision>& list) {
            if (!guard)
                return;
            for (const Revision& revision : list) {
                if (m_live && revision.number == m_live->number)
                    continue;
                m_revision->addItem(tr("Revision %1 (%2)").arg(revision.number).arg(revision.image),
                                    revision.number);
            }
            Q_EMIT revisionsLoaded();
        });
}

deploy::DeploymentRequest RollbackDialog::request() const
{
    deploy::DeploymentRequest request;
    request.kind = DeploymentKind::Rollback;
    request.application = m_application;
    request.environment = m_environment;
    const int revision = m_revision->currentData().toInt();
    if (revision != kPreviousRevision)
        request.toRevision = revision;
    request.reason = m_reason->text().trimmed();
    request.preserveData = m_preserveData->isChecked();
    request.force = m_force->isChecked();
    request.cleanUp = m_cleanUp->isChecked();
    return request;
}

bool RollbackDialog::canStart() const
{
    return !m_reason->text().trimmed().isEmpty() && protection()->isConfirmed();
}

} // namespace launchdeck
