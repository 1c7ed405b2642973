// The style's standard icons, read when first drawn.
#include "standardicon.h"

#include "whenfirstshown.h"

#include <QApplication>
#include <QHash>
#include <QIconEngine>
#include <QLineEdit>
#include <QPainter>

namespace launchdeck {

namespace {

// The decoded icons, one per kind, read on the GUI thread.
const QIcon& decoded(QStyle::StandardPixmap pixmap)
{
    static QHash<int, QIcon> icons;
    auto found = icons.find(pixmap);
    if (found == icons.end())
        found = icons.insert(pixmap, QApplication::style()->standardIcon(pixmap));
    return *found;
}

class StandardIconEngine final : public QIconEngine
{
public:
    explicit StandardIconEngine(QStyle::StandardPixmap pixmap)
        : m_pixmap(pixmap)
    {}

    void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State state) override
    {
        decoded(m_pixmap).paint(painter, rect, Qt::AlignCenter, mode, state);
    }
    QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override
    {
        return decoded(m_pixmap).pixmap(size, mode, state);
    }
    QPixmap scaledPixmap(const QSize& size, QIcon::Mode mode, QIcon::State state,
                         qreal scale) override
    {
        return decoded(m_pixmap).pixmap(size, scale, mode, state);
    }
    QSize actualSize(const QSize& size, QIcon::Mode mode, QIcon::State state) override
    {
        return decoded(m_pixmap).actualSize(size, mode, state);
    }
    QList<QSize> availableSizes(QIcon::Mode mode, QIcon::State state) override
    {
        return decoded(m_pixmap).availableSizes(mode, state);
    }
    // The style has an image for every kind asked for: answered without reading them.
    bool isNull() override { return false; }
    QString key() const override { return QStringLiteral("launchdeck-standard"); }
    QIconEngine* clone() const override { return new StandardIconEngine(m_pixmap); }

private:
    QStyle::StandardPixmap m_pixmap;
};

} // namespace

QIcon standardIcon(QStyle::StandardPixmap pixmap)
{
    return QIcon(new StandardIconEngine(pixmap));
}

void enableClearButtonWhenShown(QLineEdit* edit)
{
    whenFirstShown(edit, [edit] { edit->setClearButtonEnabled(true); });
}

} // namespace launchdeck
