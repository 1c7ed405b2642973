// setUpClosableTabs: see closabletabs.h.
#include "closabletabs.h"

#include <QShortcut>
#include <QTabBar>
#include <QTabWidget>

namespace launchdeck {

void setUpClosableTabs(QTabWidget* tabs, QWidget* firstPage, const QString& title)
{
    tabs->setDocumentMode(true);
    tabs->setTabsClosable(true);
    tabs->addTab(firstPage, title);
    tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    tabs->tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);
    const auto closeTab = [tabs](int index) {
        if (index <= 0)
            return;
        QWidget* page = tabs->widget(index);
        tabs->removeTab(index);
        page->deleteLater();
    };
    QObject::connect(tabs, &QTabWidget::tabCloseRequested, tabs, closeTab);
    // The tabs' close buttons take no focus: the keyboard closes the current log tab instead.
    auto* close =
        new QShortcut(QKeySequence::Close, tabs, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    QObject::connect(close, &QShortcut::activated, tabs,
                     [tabs, closeTab] { closeTab(tabs->currentIndex()); });
}

} // namespace launchdeck
