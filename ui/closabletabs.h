// The tab widget of a live view (Docker hosts, clusters): its first page stays, the log tabs
// opened beside it close by their button or by the keyboard's Close (Ctrl+W).
#pragma once

#include <QString>

class QTabWidget;
class QWidget;

namespace launchdeck {

// Adds `firstPage` under `title` as the page that stays and makes every later tab closable; a
// closed tab's page is deleted.
void setUpClosableTabs(QTabWidget* tabs, QWidget* firstPage, const QString& title);

} // namespace launchdeck
