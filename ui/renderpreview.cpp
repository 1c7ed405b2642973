// The render preview pane: target choice, highlighted output, and why there is none.
#include "renderpreview.h"

#include "syntaxhighlighting.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace launchdeck {

RenderPreview::RenderPreview(QWidget* parent)
    : QWidget(parent)
    , m_target(new QComboBox(this))
    , m_stack(new QStackedWidget(this))
    , m_output(new QPlainTextEdit(this))
    , m_notice(new QLabel(this))
    , m_status(new QLabel(this))
{
    auto* title = new QLabel(tr("Render preview"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    m_target->addItem(tr("Docker Compose"), QStringLiteral("compose"));
    m_target->addItem(tr("Kubernetes"), QStringLiteral("kubernetes"));
    m_target->setToolTip(tr("What the template is rendered to"));
    connect(m_target, &QComboBox::currentIndexChanged, this,
            [this] { Q_EMIT targetChanged(target()); });

    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setStyleHint(QFont::Monospace);
    m_output->setFont(mono);
    m_output->setReadOnly(true);
    m_output->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_output->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    createYamlHighlighter(m_output->document());

    m_notice->setAlignment(Qt::AlignCenter);
    m_notice->setWordWrap(true);
    m_notice->setEnabled(false); // greyed: it explains, it is not content
    m_notice->setMargin(16);
    m_stack->addWidget(m_notice);
    m_stack->addWidget(m_output);

    m_status->setWordWrap(true);
    m_status->setContentsMargins(6, 2, 6, 2);
    m_status->hide();

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(6, 2, 6, 2);
    bar->addWidget(title);
    bar->addStretch();
    bar->addWidget(m_target);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_status);
    setApplicable(false);
}

QString RenderPreview::target() const
{
    return m_target->currentData().toString();
}

void RenderPreview::setTarget(const QString& target)
{
    const int index = m_target->findData(target);
    if (index >= 0)
        m_target->setCurrentIndex(index);
}

void RenderPreview::setApplicable(bool applicable)
{
    m_applicable = applicable;
    m_target->setEnabled(applicable);
    if (!applicable) {
        m_notice->setText(tr("Open a template from templates/ to see what it renders to."));
        m_stack->setCurrentWidget(m_notice);
        m_output->clear();
        m_status->hide();
    }
}

void RenderPreview::showOutput(const QString& output, const Diagnostics& diagnostics)
{
    if (!m_applicable)
        return;
    int errors = 0;
    for (const Diagnostic& d : diagnostics) {
        if (isError(d.severity))
            ++errors;
    }
    if (output.isEmpty()) {
        m_notice->setText(errors > 0
                              ? tr("The template cannot be rendered until its errors are fixed.")
                              : tr("The template renders to nothing."));
        m_stack->setCurrentWidget(m_notice);
    } else {
        // Keep the reader's place while the output follows the edits.
        const int vertical = m_output->verticalScrollBar()->value();
        const int horizontal = m_output->horizontalScrollBar()->value();
        if (m_output->toPlainText() != output)
            m_output->setPlainText(output);
        m_output->verticalScrollBar()->setValue(vertical);
        m_output->horizontalScrollBar()->setValue(horizontal);
        m_stack->setCurrentWidget(m_output);
    }
    QStringList lines;
    for (const Diagnostic& d : diagnostics.mid(0, 3))
        lines.append(tr("Line %1: %2").arg(d.line).arg(d.message));
    if (diagnostics.size() > 3)
        lines.append(tr("… and %1 more").arg(diagnostics.size() - 3));
    m_status->setText(lines.join(QLatin1Char('\n')));
    m_status->setVisible(!lines.isEmpty());
}

QString RenderPreview::output() const
{
    return m_stack->currentWidget() == m_output ? m_output->toPlainText() : QString();
}

} // namespace launchdeck
