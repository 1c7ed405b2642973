// The Deploy dialog's fields: the pair's strategies and the tags read off the GUI thread (the
// host's local images, or on a cluster the tags deployed before), each change asking for a new
// preview.
#include "deploydialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>
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
    , m_force(new QCheckBox(this))
    , m_tagsHint(new QLabel(this))
{
    setWindowTitle(tr("Deploy"));
    m_version->setEditable(true);
    m_version->setInsertPolicy(QComboBox::NoInsert);
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
    auto* options = new QVBoxLayout;
    options->addWidget(m_autoRollback);
    options->addWidget(m_force);
    form->addRow(tr("Options:"), options);
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

bool DeployDialog::isOnCluster() const
{
    const Environment* environment = currentEnvironment();
    const Target* target = environment ? m_workspace.target(environment->target) : nullptr;
    return target && target->type == Target::Type::Kubernetes;
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
    // A cluster's nodes pull images themselves: what the history deployed is what is known.
    m_version->setToolTip(isOnCluster() ? tr("A tag deployed before, or any tag typed")
                                        : tr("A tag of a local image of the application's "
                                             "repository, or any tag typed"));
    // Server-side apply leaves fields other managers own alone unless told to take them.
    m_force->setText(isOnCluster() ? tr("&Force (fields other managers own are taken, findings "
                                        "that can be forced do not stop it)")
                                   : tr("&Force (findings that can be forced do not stop it)"));
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
    const bool cluster = isOnCluster();
    m_tagsHint->setText(
        cluster ? tr("Looking for the tags of %1 deployed before…").arg(application->image)
                : tr("Looking for local images of %1…").arg(application->image));
    QPointer<DeployDialog> guard(this);
    QtConcurrent::run(m_tags, application->name, m_environment->currentText())
        .then(this, [this, guard, generation, cluster](const Result<QStringList>& tags) {
            if (!guard || generation != m_tagsGeneration)
                return;
            const Application* current = currentApplication();
            const int count = tags ? static_cast<int>(tags->size()) : 0;
            if (!tags) {
                m_tagsHint->setText(
                    cluster ? tr("Earlier tags unavailable: %1").arg(tags.error().toString())
                            : tr("Local images unavailable: %1").arg(tags.error().toString()));
            } else {
                const QString typed = m_version->currentText();
                const QSignalBlocker blocker(m_version);
                m_version->clear();
                m_version->addItems(*tags);
                m_version->setEditText(typed);
                if (count == 0 && current)
                    m_tagsHint->setText(
                        cluster ? tr("No tag of %1 deployed before; type one.").arg(current->image)
                                : tr("No local image of %1; type a tag.").arg(current->image));
                else
                    m_tagsHint->setText(cluster ? tr("%n tag(s) deployed before", nullptr, count)
                                                : tr("%n local tag(s)", nullptr, count));
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
    request.force = m_force->isChecked();
    return request;
}

bool DeployDialog::canStart() const
{
    return currentApplication() && currentEnvironment() &&
           !m_version->currentText().trimmed().isEmpty() && protection()->isConfirmed();
}

} // namespace launchdeck
