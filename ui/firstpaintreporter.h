// Prints a marker when a window first paints, so the startup benchmark can time launch to
// first paint from outside the process. Installed only when LAUNCHDECK_REPORT_FIRST_PAINT=1.
#pragma once

#include <QObject>

namespace launchdeck {

class FirstPaintReporter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FirstPaintReporter)

public:
    static constexpr char kMarker[] = "LAUNCHDECK_FIRST_PAINT";
    static constexpr char kEnvironmentVariable[] = "LAUNCHDECK_REPORT_FIRST_PAINT";

    // Watches `window` when the environment asks for it; owned by `window`.
    static void installIfRequested(QWidget* window);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    explicit FirstPaintReporter(QObject* parent);
};

} // namespace launchdeck
