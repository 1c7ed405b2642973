// The style's standard icons, read when first drawn: the style decodes every size of an icon's
// images when asked for it, which for the console's many actions (most in menus and tabs not yet
// shown) was a large share of the time to the first paint.
#pragma once

#include <QIcon>
#include <QStyle>

class QLineEdit;

namespace launchdeck {

// The application style's icon for `pixmap`, its images read when it is first painted or asked
// for a pixmap; one decoded icon per kind, shared.
QIcon standardIcon(QStyle::StandardPixmap pixmap);

// Gives `edit` its clear button when it is first shown: the button's icon is a theme lookup,
// which reads the icon themes' indexes the first time.
void enableClearButtonWhenShown(QLineEdit* edit);

} // namespace launchdeck
