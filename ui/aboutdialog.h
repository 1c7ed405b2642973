// Help › About Launchdeck: the icon, the version and the Qt it runs on.
#pragma once

#include <QDialog>

namespace launchdeck {

class AboutDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AboutDialog)

public:
    explicit AboutDialog(QWidget* parent = nullptr);

    static QString versionText();
};

} // namespace launchdeck
