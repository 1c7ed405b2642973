// The About dialog's content.
#include "aboutdialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#ifndef PROJECT_VERSION
#error "PROJECT_VERSION must be defined by the build"
#endif

namespace launchdeck {

QString AboutDialog::versionText()
{
    return QStringLiteral(PROJECT_VERSION);
}

AboutDialog::AboutDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("About Launchdeck"));
    auto* icon = new QLabel(this);
    icon->setPixmap(QIcon(QStringLiteral(":/icons/launchdeck.svg")).pixmap(96, 96));
    icon->setAlignment(Qt::AlignTop);

    auto* text = new QLabel(this);
    text->setTextFormat(Qt::RichText);
    text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    text->setOpenExternalLinks(true);
    text->setText(
        QStringLiteral("<h2>Launchdeck</h2><p>%1</p><p>%2</p><p><small>%3</small></p>")
            .arg(tr("Version %1").arg(versionText()),
                 tr("A deployment console for release engineers: deploy, roll back, "
                    "run pipelines, and edit infrastructure offline with validation."),
                 tr("Built with Qt %1, running on Qt %2.")
                     .arg(QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion()))));
    text->setWordWrap(true);
    text->setMinimumWidth(360);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setText(tr("&Close"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* row = new QHBoxLayout;
    row->setSpacing(20);
    row->addWidget(icon);
    row->addWidget(text, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 16);
    layout->addLayout(row);
    layout->addWidget(buttons);
}

} // namespace launchdeck
