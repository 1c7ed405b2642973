// Tooltips naming a control's key.
#include "keyhint.h"

#include <QAbstractButton>
#include <QAction>

namespace launchdeck {

QString withKey(const QString& tip, const QKeySequence& key)
{
    if (key.isEmpty())
        return tip;
    return QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText));
}

void setToolTipWithKey(QAbstractButton* button, const QString& tip)
{
    button->setToolTip(withKey(tip, button->shortcut()));
}

void setToolTipWithKey(QAction* action, const QString& tip)
{
    action->setToolTip(withKey(tip, action->shortcut()));
}

} // namespace launchdeck
