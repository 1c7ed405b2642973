// The preview pane and the confirmation field both dialogs show, and the frame around their
// fields: the debounced preview request and OK following canStart().
#include "deploymentdialogbase.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
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
    m_label->setText(tr("%1 is a protected environment. Type its &name to confirm:").arg(name));
    setVisible(isProtected);
    Q_EMIT confirmationChanged();
}

bool ProtectionField::isConfirmed() const
{
    return !m_protected || m_edit->text() == m_name;
}

DeploymentDialogBase::DeploymentDialogBase(PreviewFunction preview, QWidget* parent)
    : QDialog(parent)
    , m_protection(new ProtectionField(this))
    , m_previewPane(new DeploymentPreviewPane(std::move(preview), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_previewTimer(new QTimer(this))
{
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(kPreviewDelayMs);
    connect(m_previewTimer, &QTimer::timeout, this, [this] { m_previewPane->request(request()); });
    connect(m_protection, &ProtectionField::confirmationChanged, this,
            &DeploymentDialogBase::updateOk);
    // Escape cancels too; the mnemonic is the same as everywhere else in the dialog.
    m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("&Cancel"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &DeploymentDialogBase::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &DeploymentDialogBase::reject);
}

QPushButton* DeploymentDialogBase::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

void DeploymentDialogBase::setFields(QLayout* fields)
{
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(fields);
    layout->addWidget(new QLabel(tr("What will change:"), this));
    layout->addWidget(m_previewPane, 1);
    layout->addWidget(m_protection);
    layout->addWidget(m_buttons);
    resize(640, 560);
}

void DeploymentDialogBase::schedulePreview()
{
    m_previewTimer->start();
}

void DeploymentDialogBase::updateOk()
{
    okButton()->setEnabled(canStart());
}

void DeploymentDialogBase::accept()
{
    if (!canStart())
        return;
    QDialog::accept();
}

} // namespace launchdeck
