// One event filter per waiting widget, gone after the first Show.
#include "whenfirstshown.h"

#include <QEvent>
#include <QWidget>

namespace launchdeck {

namespace {

class FirstShow final : public QObject
{
public:
    FirstShow(std::function<void()> setup, QObject* parent)
        : QObject(parent)
        , m_setup(std::move(setup))
    {}

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Show) {
            watched->removeEventFilter(this);
            m_setup();
            deleteLater();
        }
        return false;
    }

private:
    std::function<void()> m_setup;
};

} // namespace

void whenFirstShown(QWidget* widget, std::function<void()> setup)
{
    if (widget->isVisible()) {
        setup();
        return;
    }
    widget->installEventFilter(new FirstShow(std::move(setup), widget));
}

} // namespace launchdeck
