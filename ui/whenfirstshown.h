// Work a widget needs only once it is seen, put off until then: what a hidden page's widgets
// would otherwise cost the time to the first paint.
#pragma once

#include <functional>

class QWidget;

namespace launchdeck {

// Runs `setup` when `widget` is first shown (at once when it is visible already).
void whenFirstShown(QWidget* widget, std::function<void()> setup);

} // namespace launchdeck
