// The Silence dialog: matchers prefilled from the alert's labels (each can be left out or
// changed), a duration, a comment, and the OS user as author; the silence it makes goes to the
// environment's Alertmanager.
#pragma once

#include "alerts/alertmanagerclient.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLineEdit;
class QTableWidget;

namespace launchdeck {

class SilenceDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SilenceDialog)

public:
    SilenceDialog(const QString& environment, const prometheus::Labels& labels,
                  QWidget* parent = nullptr);

    const QString& environment() const { return m_environment; }
    // From now for the chosen duration, with the checked matchers (equality, or a regular
    // expression where asked).
    alerts::Silence silence() const;

    // $USER, else $USERNAME, else "launchdeck".
    static QString osUser();

    QTableWidget* matchersTable() const { return m_matchers; }
    QComboBox* durationBox() const { return m_duration; }
    QLineEdit* commentEdit() const { return m_comment; }
    QDialogButtonBox* buttons() const { return m_buttons; }

private:
    enum Column { Name, Value, Regex };
    void updateOk();

    QString m_environment;
    QTableWidget* m_matchers;
    QComboBox* m_duration;
    QLineEdit* m_comment;
    QLineEdit* m_author;
    QDialogButtonBox* m_buttons;
};

} // namespace launchdeck
