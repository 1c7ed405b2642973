// The baseline for the startup benchmark: an empty QMainWindow that reports its first paint
// the same way launchdeck does.
#include <QApplication>
#include <QEvent>
#include <QMainWindow>

#include <cstdio>

namespace {

class FirstPaintMarker final : public QObject
{
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint) {
            std::fprintf(stdout, "LAUNCHDECK_FIRST_PAINT\n");
            std::fflush(stdout);
            watched->removeEventFilter(this);
        }
        return false;
    }
};

} // namespace

int main(int argc, char* argv[])
{
    QApplication app(argc, argv);
    QMainWindow window;
    window.setWindowTitle(QStringLiteral("bare window"));
    window.resize(1200, 800);
    if (qEnvironmentVariableIntValue("LAUNCHDECK_REPORT_FIRST_PAINT") == 1)
        window.installEventFilter(new FirstPaintMarker(&window));
    window.show();
    return QApplication::exec();
}
