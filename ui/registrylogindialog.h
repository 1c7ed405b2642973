// The Log in… dialog for image registries: a host, a user name and a masked password, checked
// against the registry on a worker thread and kept in the OS keyring only once the registry
// accepted them; Log out removes a host's credentials. Deployments then find them where the
// docker configuration has none.
#pragma once

#include <QDialog>

#include <chrono>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace launchdeck {

class RegistryLoginDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RegistryLoginDialog)

public:
    explicit RegistryLoginDialog(QWidget* parent = nullptr);
    ~RegistryLoginDialog() override;
    // A dialog of its own for `parent`, deleted when closed, prefilled with `host`, opened.
    static RegistryLoginDialog* openFor(QWidget* parent, const QString& host = {});

    // Prefills the host ("registry.example.com:5000").
    void setHost(const QString& host);
    // Where each registry's CA is read, as the Docker daemon reads it: FOLDER/HOST/ca.crt
    // (/etc/docker/certs.d unless set).
    void setCertificatesFolder(const QString& folder);
    void setKeyringTimeout(std::chrono::milliseconds timeout);

    // What the last Log in or Log out came to (the registry's or the keyring's words).
    QString statusText() const;
    // A Log in or Log out is under way.
    bool isBusy() const { return m_busy; }

    QLineEdit* hostEdit() const { return m_host; }
    QLineEdit* usernameEdit() const { return m_username; }
    QLineEdit* passwordEdit() const { return m_password; }
    QCheckBox* insecureBox() const { return m_insecure; }
    QPushButton* logInButton() const { return m_logIn; }
    QPushButton* logOutButton() const { return m_logOut; }

Q_SIGNALS:
    void loggedIn(const QString& host);
    void loggedOut(const QString& host);
    // A Log in or Log out failed; `message` is also shown in the dialog.
    void loginFailed(const QString& host, const QString& message);

private:
    struct Outcome
    {
        bool succeeded = false;
        QString message;
    };
    enum class Action { LogIn, LogOut };

    void logIn();
    void logOut();
    void finish(Action action, const QString& host, const Outcome& outcome);
    void showStatus(const QString& text, bool failure);
    void updateButtons();

    QLineEdit* m_host;
    QLineEdit* m_username;
    QLineEdit* m_password;
    QCheckBox* m_insecure;
    QLabel* m_status;
    QPushButton* m_logIn;
    QPushButton* m_logOut;
    QString m_certificatesFolder;
    std::chrono::milliseconds m_keyringTimeout;
    bool m_busy = false;
    int m_generation = 0;
};

} // namespace launchdeck
