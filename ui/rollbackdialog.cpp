// The Rollback dialog's fields: revisions read off the GUI thread, the preview of returning to
// the chosen one, and OK held back until a reason (and a protected environment's name) is given.
#include "rollbackdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace launchdeck {

namespace {

constexpr int kPreviewDelayMs = 250;
constexpr int kPreviousRevision = -1; // the combo's data for "the one before the live one"

} // namespace

RollbackDialog::RollbackDialog(const Workspace& workspace, const QString& application,
                               const QString& environment, std::optional<Revision> live,
                               PreviewFunction preview, RevisionsFunction revisions,
                               QWidget* parent)
    : QDialog(parent)
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
    , m_protection(new ProtectionField(this))
    , m_previewPane(new DeploymentPreviewPane(std::move(preview), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_previewTimer(new QTimer(this))
{
    setWindowTitle(tr("Roll Back %1 in %2").arg(application, environment));
    m_revision->addItem(tr("The previous revision"), kPreviousRevision);
    m_reason->setObjectName(QStringLiteral("rollbackReason"));
    m_reason->setPlaceholderText(tr("Why it is rolled back (required)"));
    m_preserveData->setChecked(true);
    m_cleanUp->setChecked(true);
    okButton()->setText(tr("&Roll Back"));
    const Environment* env = workspace.environment(environment);
    m_protection->setEnvironment(environment, env && env->isProtected);

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
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("What will change:"), this));
    layout->addWidget(m_previewPane, 1);
    layout->addWidget(m_protection);
    layout->addWidget(m_buttons);
    resize(640, 560);

    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(kPreviewDelayMs);
    connect(m_previewTimer, &QTimer::timeout, this, [this] { m_previewPane->request(request()); });
    connect(m_revision, &QComboBox::currentIndexChanged, m_previewTimer,
            qOverload<>(&QTimer::start));
    connect(m_reason, &QLineEdit::textChanged, this, &RollbackDialog::updateOk);
    connect(m_protection, &ProtectionField::confirmationChanged, this, &RollbackDialog::updateOk);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &RollbackDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &RollbackDialog::reject);
    loadRevisions(revisions);
    updateOk();
    m_previewTimer->start();
}

QPushButton* RollbackDialog::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
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
    return !m_reason->text().trimmed().isEmpty() && m_protection->isConfirmed();
}

void RollbackDialog::updateOk()
{
    okButton()->setEnabled(canStart());
}

void RollbackDialog::accept()
{
    if (!canStart())
        return;
    QDialog::accept();
}

} // namespace launchdeck
