// The inline banner's look and its timed dismissal.
#include "bannerwidget.h"

#include "keyhint.h"
#include "standardicon.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

#include <chrono>

namespace launchdeck {

BannerWidget::BannerWidget(QWidget* parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
    , m_hideTimer(new QTimer(this))
{
    using namespace std::chrono_literals;
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* close = new QToolButton(this);
    close->setAutoRaise(true);
    close->setIcon(standardIcon(QStyle::SP_TitleBarCloseButton));
    // Shown as an icon; the text gives the keyboard its mnemonic, which the tooltip names.
    close->setText(tr("D&ismiss"));
    close->setToolButtonStyle(Qt::ToolButtonIconOnly);
    setToolTipWithKey(close, tr("Dismiss"));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(close);

    m_hideTimer->setSingleShot(true);
    m_hideTimer->setInterval(15s);
    connect(m_hideTimer, &QTimer::timeout, this, &QWidget::hide);
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void BannerWidget::showMessage(const QString& text, Kind kind)
{
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxCritical;
    QColor tint(0xfd, 0xec, 0xea);
    if (kind == Kind::Warning) {
        icon = QStyle::SP_MessageBoxWarning;
        tint = QColor(0xff, 0xf4, 0xe0);
    } else if (kind == Kind::Information) {
        icon = QStyle::SP_MessageBoxInformation;
        tint = QColor(0xe8, 0xf1, 0xfb);
    }
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    m_icon->setPixmap(standardIcon(icon).pixmap(size, size));
    QPalette pal = palette();
    pal.setColor(QPalette::Window, tint);
    pal.setColor(QPalette::WindowText, QColor(0x20, 0x20, 0x20));
    setPalette(pal);
    m_text->setText(text);
    show();
    m_hideTimer->start();
}

QString BannerWidget::text() const
{
    return m_text->text();
}

} // namespace launchdeck
