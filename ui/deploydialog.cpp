// The Deploy dialog's fields, the preview run on a pool thread and the protected-environment
// check that keeps OK disabled until the name is typed exactly.
#include "deploydialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTextEdit>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace launchdeck {

namespace {

constexpr int kPreviewDelayMs = 250;

QString diffHtml(const QStringList& lines)
{
    QString html = QStringLiteral("<pre style=\"margin:0\">");
    for (const QString& line : lines) {
        QString colour;
        if (line.startsWith(u'+'))
            colour = QStringLiteral("#2e9e44");
        else if (line.startsWith(u'-'))
            colour = QStringLiteral("#d93025");
        const QString escaped = line.toHtmlEscaped();
        html += colour.isEmpty()
                    ? escaped
                    : QStringLiteral("<span style=\"color:%1\">%2</span>").arg(colour, escaped);
        html += u'\n';
    }
    return html + QStringLiteral("</pre>");
}

} // namespace

DeploymentPreviewPane::DeploymentPreviewPane(PreviewFunction preview, QWidget* parent)
    : QWidget(parent)
    , m_preview(std::move(preview))
    , m_summary(new QLabel(this))
    , m_diff(new QTextEdit(this))
{
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_diff->setReadOnly(true);
    m_diff->setLineWrapMode(QTextEdit::NoWrap);
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_diff->setMinimumHeight(140);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_diff, 1);
}

void DeploymentPreviewPane::request(const deploy::DeploymentRequest& request)
{
    const quint64 generation = ++m_generation;
    m_busy = true;
    m_summary->setText(tr("Computing what will change…"));
    m_diff->clear();
    if (!m_preview) {
        showError(tr("No preview is available."));
        return;
    }
    QPointer<DeploymentPreviewPane> guard(this);
    QtConcurrent::run(m_preview, request)
        .then(this, [this, guard, generation](const Result<deploy::DeploymentPreview>& preview) {
            if (!guard || generation != m_generation)
                return;
            if (preview)
                showPreview(*preview);
            else
                showError(preview.error().toString());
        });
}

void DeploymentPreviewPane::showPreview(const deploy::DeploymentPreview& preview)
{
    m_busy = false;
    QStringList summary;
    summary.append(preview.from
                       ? tr("From revision %1 (%2) to revision %3 (%4), %5.")
                             .arg(preview.from->number)
                             .arg(preview.from->image)
                             .arg(preview.to.number)
                             .arg(preview.to.image, deploy::strategyName(preview.strategy))
                       : tr("First deployment: revision %1 (%2), %3.")
                             .arg(preview.to.number)
                             .arg(preview.to.image, deploy::strategyName(preview.strategy)));
    if (preview.downtime)
        summary.append(tr("The application is unreachable while it switches."));
    if (preview.estimatedMs > 0)
        summary.append(tr("Earlier deployments took about %n second(s).", nullptr,
                          static_cast<int>((preview.estimatedMs + 500) / 1000)));
    for (const QString& note : preview.notes)
        summary.append(tr("Note: %1").arg(note));
    m_summary->setText(summary.join(u'\n'));
    m_diff->setHtml(preview.diff.isEmpty() ? tr("<i>The configuration does not change.</i>")
                                           : diffHtml(preview.diff));
    Q_EMIT previewReady(preview);
}

void DeploymentPreviewPane::showError(const QString& error)
{
    m_busy = false;
    m_summary->setText(tr("The preview failed: %1").arg(error));
    m_diff->clear();
}

ProtectionField::ProtectionField(QWidget* parent)
    : QWidget(parent)
    , m_label(new QLabel(this))
    , m_edit(new QLineEdit(this))
{
    m_label->setWordWrap(true);
    m_label->setBuddy(m_edit);
    m_edit->setObjectName(QStringLiteral("protectionConfirmation"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_edit);
    connect(m_edit, &QLineEdit::textChanged, this, &ProtectionField::confirmationChanged);
    hide();
}

void ProtectionField::setEnvironment(const QString& name, bool isProtected)
{
    if (name == m_name && isProtected == m_protected)
        return;
    m_name = name;
    m_protected = isProtected;
    m_edit->clear();
    m_edit->setPlaceholderText(name);
    m_label->setText(tr("%1 is a protected environment. Type its name to confirm:").arg(name));
    setVisible(isProtected);
    Q_EMIT confirmationChanged();
}

bool ProtectionField::isConfirmed() const
{
    return !m_protected || m_edit->text() == m_name;
}

DeployDialog::DeployDialog(const Workspace& workspace, PreviewFunction preview, TagsFunction tags,
                           QWidget* parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_tags(std::move(tags))
    , m_application(new QComboBox(this))
    , m_environment(new QComboBox(this))
    , m_version(new QComboBox(this))
    , m_strategy(new QComboBox(this))
    , m_autoRollback(new QCheckBox(tr("Roll back &automatically when it fails after traffic "
                                      "moved"),
                                   this))
    , m_tagsHint(new QLabel(this))
    , m_protection(new ProtectionField(this))
    , m_previewPane(new DeploymentPreviewPane(std::move(preview), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_previewTimer(new QTimer(this))
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
    connect(m_application, &QComboBox::currentIndexChanged, this, &DeployDialog::pairChanged);
    connect(m_environment, &QComboBox::currentIndexChanged, this, &DeployDialog::pairChanged);
    connect(m_version, &QComboBox::currentTextChanged, this, [this] {
        updateOk();
        schedulePreview();
    });
    connect(m_strategy, &QComboBox::currentIndexChanged, this, &DeployDialog::schedulePreview);
    connect(m_protection, &ProtectionField::confirmationChanged, this, &DeployDialog::updateOk);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &DeployDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &DeployDialog::reject);
    pairChanged();
}

QPushButton* DeployDialog::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
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
    m_protection->setEnvironment(environment ? environment->name : QString(),
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

void DeployDialog::schedulePreview()
{
    m_previewTimer->start();
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
           !m_version->currentText().trimmed().isEmpty() && m_protection->isConfirmed();
}

void DeployDialog::updateOk()
{
    okButton()->setEnabled(canStart());
}

void DeployDialog::accept()
{
    if (!canStart())
        return;
    QDialog::accept();
}

} // namespace launchdeck
