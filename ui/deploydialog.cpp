// The Deploy dialog's fields: the pair's strategies and the tags read off the GUI thread (the
// host's local images, or on a cluster the tags deployed before, and the registry's), each
// change asking for a new preview.
#include "deploydialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QStandardItemModel>
#include <QStyle>
#include <QThreadPool>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace launchdeck {

namespace {

// A registry answers at the network's pace (a timeout is seconds): its lookups wait on threads of
// their own, not on the global pool the previews and the local tags use.
QThreadPool* registryLookups()
{
    static QThreadPool* pool = [] {
        auto* lookups = new QThreadPool(QCoreApplication::instance());
        lookups->setMaxThreadCount(2);
        return lookups;
    }();
    return pool;
}

} // namespace

DeployDialog::DeployDialog(const Workspace& workspace, PreviewFunction preview, TagsFunction tags,
                           RegistryVersionsFunction registryTags, QWidget* parent)
    : DeploymentDialogBase(std::move(preview), parent)
    , m_workspace(workspace)
    , m_tags(std::move(tags))
    , m_registryTags(std::move(registryTags))
    , m_application(new QComboBox(this))
    , m_environment(new QComboBox(this))
    , m_version(new QComboBox(this))
    , m_strategy(new QComboBox(this))
    , m_autoRollback(new QCheckBox(tr("&Roll back automatically when it fails after traffic "
                                      "moved"),
                                   this))
    , m_force(new QCheckBox(this))
    , m_tagsHint(new QLabel(this))
    , m_versions(new QStandardItemModel(0, 2, this))
{
    setWindowTitle(tr("Deploy"));
    m_version->setEditable(true);
    m_version->setInsertPolicy(QComboBox::NoInsert);
    // The popup's second column says where each tag is; the box itself holds the tag alone.
    m_version->setModel(m_versions);
    auto* popup = new QTreeView(m_version);
    popup->setHeaderHidden(true);
    popup->setRootIsDecorated(false);
    popup->setUniformRowHeights(true);
    popup->setAllColumnsShowFocus(true);
    popup->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    popup->header()->setStretchLastSection(false);
    m_version->setView(popup);
    m_version->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_tagsHint->setWordWrap(true);
    m_tagsHint->setTextInteractionFlags(Qt::TextSelectableByMouse);
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
        m_versions->removeRows(0, m_versions->rowCount());
        m_version->setEditText(application->version);
    }
    protection()->setEnvironment(environment ? environment->name : QString(),
                                 environment && environment->isProtected);
    // A cluster's nodes pull images themselves: what the history deployed is what is known.
    if (m_registryTags)
        m_version->setToolTip(isOnCluster()
                                  ? tr("A tag deployed before or in the registry, or any tag typed")
                                  : tr("A tag of a local image of the application's repository "
                                       "or in its registry, or any tag typed"));
    else
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
    if (!application)
        return;
    const quint64 generation = ++m_tagsGeneration;
    m_localAnswer.reset();
    m_registryAnswer.reset();
    const QString environment = m_environment->currentText();
    QPointer<DeployDialog> guard(this);
    if (m_tags)
        QtConcurrent::run(m_tags, application->name, environment)
            .then(this, [this, guard, generation](const Result<QStringList>& tags) {
                if (!guard || generation != m_tagsGeneration)
                    return;
                m_localAnswer = tags;
                showTags();
                Q_EMIT tagsLoaded();
            });
    if (m_registryTags)
        QtConcurrent::run(registryLookups(), m_registryTags, application->name, environment)
            .then(this, [this, guard, generation](const Result<RegistryVersions>& versions) {
                if (!guard || generation != m_tagsGeneration)
                    return;
                m_registryAnswer = versions;
                showTags();
                Q_EMIT registryTagsLoaded();
            });
    updateTagsHint();
}

void DeployDialog::showTags()
{
    const bool cluster = isOnCluster();
    const QStringList local =
        m_localAnswer && *m_localAnswer ? m_localAnswer->value() : QStringList();
    struct Offered
    {
        QString tag;
        int origin = 0;
        std::optional<QDateTime> created;
    };
    QList<Offered> offered;
    // The registry's newest first, then what only the host (or the history) knows.
    if (m_registryAnswer && *m_registryAnswer)
        for (const registry::TagInfo& info : m_registryAnswer->value().tags)
            offered.append(
                {info.tag, Registry | (local.contains(info.tag) ? Local : 0), info.created});
    for (const QString& tag : local)
        if (std::none_of(offered.cbegin(), offered.cend(),
                         [&tag](const Offered& each) { return each.tag == tag; }))
            offered.append({tag, Local, std::nullopt});

    const QString typed = m_version->currentText();
    const QSignalBlocker blocker(m_version);
    m_versions->removeRows(0, m_versions->rowCount());
    const QString localWord = cluster ? tr("deployed before") : tr("local");
    for (const Offered& each : offered) {
        QString origin = each.origin == (Local | Registry) ? tr("%1 and registry").arg(localWord)
                         : each.origin == Registry         ? tr("registry")
                                                           : localWord;
        if (each.created)
            origin = tr("%1, built %2")
                         .arg(origin, QLocale().toString(each.created->toLocalTime(),
                                                         QLocale::ShortFormat));
        auto* tagItem = new QStandardItem(each.tag);
        tagItem->setData(each.origin, Qt::UserRole);
        auto* originItem = new QStandardItem(origin);
        originItem->setForeground(palette().brush(QPalette::Disabled, QPalette::Text));
        m_versions->appendRow({tagItem, originItem});
    }
    m_version->setEditText(typed);
    // Wide enough for both columns, whatever the box's own width.
    QAbstractItemView* popup = m_version->view();
    popup->setMinimumWidth(popup->sizeHintForColumn(TagColumn) +
                           popup->sizeHintForColumn(OriginColumn) +
                           popup->style()->pixelMetric(QStyle::PM_ScrollBarExtent) +
                           4 * popup->style()->pixelMetric(QStyle::PM_DefaultFrameWidth));
    updateTagsHint();
}

void DeployDialog::updateTagsHint()
{
    const Application* application = currentApplication();
    if (!application)
        return;
    const bool cluster = isOnCluster();
    QStringList parts;
    if (m_tags) {
        if (!m_localAnswer) {
            parts.append(
                cluster ? tr("Looking for the tags of %1 deployed before…").arg(application->image)
                        : tr("Looking for local images of %1…").arg(application->image));
        } else if (!*m_localAnswer) {
            const QString error = m_localAnswer->error().toString();
            parts.append(cluster ? tr("Earlier tags unavailable: %1.").arg(error)
                                 : tr("Local images unavailable: %1.").arg(error));
        } else if (const int count = int(m_localAnswer->value().size()); count == 0) {
            parts.append(cluster ? tr("No tag of %1 deployed before.").arg(application->image)
                                 : tr("No local image of %1.").arg(application->image));
        } else {
            parts.append(cluster ? tr("%n tag(s) deployed before.", nullptr, count)
                                 : tr("%n local tag(s).", nullptr, count));
        }
    }
    if (m_registryTags) {
        if (!m_registryAnswer) {
            parts.append(tr("Asking the registry…"));
        } else if (!*m_registryAnswer) {
            // The registry's own words: unreachable, unauthorized, no such repository.
            parts.append(
                tr("Registry tags unavailable: %1.").arg(m_registryAnswer->error().message));
        } else {
            const RegistryVersions& versions = m_registryAnswer->value();
            const int count = int(versions.tags.size());
            parts.append(
                versions.dated > 0
                    ? tr("%n tag(s) in %1, newest first.", nullptr, count).arg(versions.host)
                    : tr("%n tag(s) in %1.", nullptr, count).arg(versions.host));
        }
    }
    if (!cluster && application->build)
        parts.append(tr("Any tag may be typed; one that neither the host nor the registry has is "
                        "built from %1.")
                         .arg(application->build->context));
    else
        parts.append(tr("Any tag may be typed."));
    m_tagsHint->setText(parts.join(u' '));
    m_tagsHint->setToolTip(m_tagsHint->text());
}

QStringList DeployDialog::offeredTags() const
{
    QStringList tags;
    for (int row = 0; row < m_versions->rowCount(); ++row)
        tags.append(m_versions->item(row, TagColumn)->text());
    return tags;
}

int DeployDialog::tagOrigin(const QString& tag) const
{
    const QList<QStandardItem*> found = m_versions->findItems(tag, Qt::MatchExactly, TagColumn);
    return found.isEmpty() ? 0 : found.first()->data(Qt::UserRole).toInt();
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
