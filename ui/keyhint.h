// Tooltips that name the key reaching a control, for controls whose text does not underline it:
// icon-only buttons, toolbar actions, keys other than Alt and a letter.
#pragma once

#include <QKeySequence>
#include <QString>

class QAbstractButton;
class QAction;

namespace launchdeck {

// "Find next (Alt+X)": the tip with the key as the user's platform writes it.
QString withKey(const QString& tip, const QKeySequence& key);
// The tip with the button's own shortcut (its mnemonic when it has one).
void setToolTipWithKey(QAbstractButton* button, const QString& tip);
// The tip with the action's first shortcut; toolbar buttons show the action's tooltip.
void setToolTipWithKey(QAction* action, const QString& tip);

} // namespace launchdeck
