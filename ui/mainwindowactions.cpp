// The main window's menus, tab switching and keyboard paths into the tabs.
#include "mainwindow.h"

#include "deploymentstab.h"
#include "findreplacebar.h"
#include "infrastructuretab.h"
#include "metricspicker.h"
#include "metricstab.h"
#include "pipelinestab.h"
#include "registrylogindialog.h"
#include "standardicon.h"
#include "yamleditor.h"

#include <QAction>
#include <QListWidget>
#include <QMenuBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>

namespace launchdeck {

void MainWindow::createActions()
{
    // Style icons read when first drawn, not theme lookups: a theme search loads every image
    // plugin, and decoding icons of menus not yet open delayed the first paint.
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(standardIcon(QStyle::SP_DialogOpenButton),
                                    tr("&Open Workspace…"), this, &MainWindow::chooseWorkspace);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    m_saveAction = file->addAction(standardIcon(QStyle::SP_DialogSaveButton), tr("&Save"), this,
                                   [this] { infrastructureTab()->save(); });
    m_saveAction->setShortcut(QKeySequence::Save);
    m_revertAction = file->addAction(standardIcon(QStyle::SP_BrowserReload), tr("Re&vert"), this,
                                     [this] { infrastructureTab()->revert(); });
    file->addSeparator();
    file->addAction(tr("Log In to &Registry…"), this,
                    [this] { RegistryLoginDialog::openFor(this); });
    QAction* quit = file->addAction(standardIcon(QStyle::SP_DialogCloseButton), tr("&Quit"), this,
                                    &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* find = edit->addAction(standardIcon(QStyle::SP_FileDialogContentsView), tr("&Find…"),
                                    this, [this] { infrastructureTab()->showFind(); });
    find->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));
    QAction* replace =
        edit->addAction(standardIcon(QStyle::SP_FileDialogDetailedView), tr("&Replace…"), this,
                        [this] { infrastructureTab()->showReplace(); });
    replace->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    QAction* next = edit->addAction(tr("Find &Next"), this,
                                    [this] { infrastructureTab()->findBar()->findNext(); });
    next->setShortcut(QKeySequence::FindNext);
    QAction* previous = edit->addAction(tr("Find Pre&vious"), this,
                                        [this] { infrastructureTab()->findBar()->findPrevious(); });
    previous->setShortcut(QKeySequence::FindPrevious);

    createTabActions();

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About Launchdeck"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);

    rebuildRecentMenu();
}

void MainWindow::createTabActions()
{
    // Window-wide shortcuts rather than QTabWidget's own keys: those reach the tab widget only
    // when the focused child ignores them, and item views take Ctrl+Tab and Ctrl+PgDown to move
    // their current cell, the editor Ctrl+Tab to indent.
    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_tabs->count(); ++i) {
        const QKeySequence key(Qt::ALT | Qt::Key(Qt::Key_1 + i));
        QAction* action = view->addAction(QStringLiteral("&%1").arg(m_tabs->tabText(i)), this,
                                          [this, i] { showTab(i); });
        action->setShortcut(key);
        m_tabs->setTabToolTip(
            i, tr("%1 (%2)").arg(m_tabs->tabText(i), key.toString(QKeySequence::NativeText)));
    }
    view->addSeparator();
    QAction* next = view->addAction(
        tr("&Next Tab"), this, [this] { showTab((m_tabs->currentIndex() + 1) % m_tabs->count()); });
    next->setShortcuts(QKeySequence::keyBindings(QKeySequence::NextChild)
                       << QKeySequence(Qt::CTRL | Qt::Key_PageDown));
    QAction* previous = view->addAction(tr("P&revious Tab"), this, [this] {
        showTab((m_tabs->currentIndex() + m_tabs->count() - 1) % m_tabs->count());
    });
    // X11 reports Shift+Tab as Backtab, which PreviousChild names; other systems send Tab.
    previous->setShortcuts(QKeySequence::keyBindings(QKeySequence::PreviousChild)
                           << QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Tab)
                           << QKeySequence(Qt::CTRL | Qt::Key_PageUp));
}

void MainWindow::showTab(int index)
{
    ensureTab(index);
    QWidget* page = m_tabs->widget(index);
    // Read before the switch: QTabWidget moves the focus into the page it shows.
    QWidget* target = page->focusWidget();
    m_tabs->setCurrentIndex(index);
    if (!target || !page->isAncestorOf(target) || !target->isVisible() || !target->isEnabled())
        target = firstControl(page);
    if (target)
        target->setFocus(Qt::ShortcutFocusReason);
}

QWidget* MainWindow::firstControl(QWidget* page) const
{
    QWidget* preferred = nullptr;
    if (page == m_deployments)
        preferred = m_deployments->matrixView();
    else if (page == m_pipelines)
        preferred = m_pipelines->pipelineList();
    else if (page == m_metrics)
        preferred = m_metrics->picker()->view();
    else if (page == m_infrastructure)
        preferred = m_infrastructure->editor()->isVisible()
                        ? static_cast<QWidget*>(m_infrastructure->editor())
                        : m_infrastructure->fileTree();
    if (preferred && preferred->isVisible() && preferred->isEnabled())
        return preferred;
    // Otherwise the first control Tab would reach.
    for (QWidget* widget = page->nextInFocusChain(); widget != page;
         widget = widget->nextInFocusChain()) {
        if ((widget->focusPolicy() & Qt::TabFocus) && widget->isVisible() && widget->isEnabled() &&
            page->isAncestorOf(widget))
            return widget;
    }
    return nullptr;
}

} // namespace launchdeck
