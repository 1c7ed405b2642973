// The Deploy dialog's fields: the pair's strategies and the local tags read off the GUI thread,
// each change asking for a new preview.
#include "deploydialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QtConcurrent/QtConcurrentRun>

namespace launchdeck {

DeployDialog::DeployDialog(const Workspace& workspace, PreviewFunction preview, TagsFunction tags,
                           QWidget* parent)
    : DeploymentDialogBase(std::move(preview), parent)
    , m_workspace(workspace)
    , m_tags(std::move(tags))
    , m_application(new QComboBox(this))
    , m_environment(new QComboBox(this))
    , m_version(new QComboBox(this))
    , m_strategy(new QComboBox(this))
    , m_autoRollback(new QCheckBox(tr("&Roll back automatically when it fails after traffic "
                                      "moved"),
                                   this))
    , m_tagsHint(new QLabel(this))
{
    setWindowTitle(tr("Deploy"));
    m_version->setEditable(true);
    m_version->setInsertPolicy(QComboBox::NoInsert);
    m_version->setToolTip(tr("A tag of a local image of the application's repository, or any "
                             "tag typed"));
    for (const Application& application : m_workspace.applications)
        m_application->addItem(application.name);
    for (const Environment& environment : m_workspace.environments)
        m_environment->addItem(environment.name);
    m_tagsHint->setEnabled(false);
    okButton()->setText(tr("&Deploy"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Application:"), m_application);
    form->addRow(tr("&Environment:"), m_environment);
    form->addRow(tr("&Version:"), m_version);
    form->addRow(QString(), m_tagsHint);
    form->addRow(tr("&Strategy:"), m_strategy);
    form->addRow(tr("Options:"), m_autoRollback);
    setFields(form);

    connect(m_application, &QComboBox::currentIndexChanged, this, &DeployDialog::pairChanged);
    connect(m_environment, &QComboBox::currentIndexChanged, this, &DeployDialog::pairChanged);
    connect(m_version, &QComboBox::currentTextChanged, this, [this] {
        updateOk();
        schedulePreview();
    });
    connect(m_strategy, &QComboBox::currentIndexChanged, this, &DeployDialog::schedulePreview);
    pairChanged();
}

const Application* DeployDialog::currentApplication() const
{
    return m_workspace.application(m_application->currentText());
}

const Environment* DeployDialog::currentEnvironment() const
{
    return m_workspace.environment(m_environment->currentText());
}

void DeployDialog::select(const QString& application, const QString& environment)
{
    if (const int index = m_application->findText(application); index >= 0)
        m_application->setCurrentIndex(index);
    if (const int index = m_environment->findText(environment); index >= 0)
        m_environment->setCurrentIndex(index);
}

void DeployDialog::pairChanged()
{
    const Application* application = currentApplication();
    const Environment* environment = currentEnvironment();
    {
        const QSignalBlocker blocker(m_strategy);
        m_strategy->clear();
        if (application)
            m_strategy->addItem(
                tr("The application's (%1)").arg(deploy::strategyName(application->strategy.type)));
        for (const Strategy::Type type : {Strategy::Type::Recreate, Strategy::Type::Rolling,
                                          Strategy::Type::BlueGreen, Strategy::Type::Canary})
            m_strategy->addItem(deploy::strategyName(type), static_cast<int>(type));
    }
    if (application) {
        m_autoRollback->setChecked(application->rollback.automatic);
        const QSignalBlocker blocker(m_version);
        m_version->clear();
        m_version->setEditText(application->version);
    }
    protection()->setEnvironment(environment ? environment->name : QString(),
                                 environment && environment->isProtected);
    loadTags();
    updateOk();
    schedulePreview();
}

void DeployDialog::loadTags()
{
    const Application* application = currentApplication();
    if (!application || !m_tags)
        return;
    const quint64 generation = ++m_tagsGeneration;
    m_tagsHint->setText(tr("Looking for local images of %1…").arg(application->image));
    QPointer<DeployDialog> guard(this);
    QtConcurrent::run(m_tags, application->name, m_environment->currentText())
        .then(this, [this, guard, generation](const Result<QStringList>& tags) {
            if (!guard || generation != m_tagsGeneration)
                return;
            const Application* current = currentApplication();
            if (!tags) {
                m_tagsHint->setText(
                    tr("Local images unavailable: %1").arg(tags.error().toString()));
            } else {
                const QString typed = m_version->currentText();
                const QSignalBlocker blocker(m_version);
                m_version->clear();
                m_version->addItems(*tags);
                m_version->setEditText(typed);
                m_tagsHint->setText(
                    tags->isEmpty() && current
                        ? tr("No local image of %1; type a tag.").arg(current->image)
                        : tr("%n local tag(s)", nullptr, static_cast<int>(tags->size())));
            }
            Q_EMIT tagsLoaded();
        });
}

deploy::DeploymentRequest DeployDialog::request() const
{
    deploy::DeploymentRequest request;
    request.kind = DeploymentKind::Deploy;
    request.application = m_application->currentText();
    request.environment = m_environment->currentText();
    request.version = m_version->currentText().trimmed();
    const QVariant strategy = m_strategy->currentData();
    if (strategy.isValid())
        request.strategy = static_cast<Strategy::Type>(strategy.toInt());
    request.autoRollback = m_autoRollback->isChecked();
    return request;
}

bool DeployDialog::canStart() const
{
    return currentApplication() && currentEnvironment() &&
           !m_version->currentText().trimmed().isEmpty() && protection()->isConfirmed();
}

} // namespace launchdeck
