// An inline banner above the editor for transient failures (a file that could not be read or
// written): seen without interrupting, dismissed with one click or by time.
#pragma once

#include <QFrame>

class QLabel;
class QTimer;

namespace launchdeck {

class BannerWidget final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BannerWidget)

public:
    enum class Kind { Error, Warning, Information };

    explicit BannerWidget(QWidget* parent = nullptr);

    void showMessage(const QString& text, Kind kind = Kind::Error);
    QString text() const;

private:
    QLabel* m_icon;
    QLabel* m_text;
    QTimer* m_hideTimer;
};

} // namespace launchdeck
