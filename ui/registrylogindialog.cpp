// Log in to a registry: the check and the keyring run on a worker; the dialog only shows.
#include "registrylogindialog.h"

#include "registry/registrylogin.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFuture>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace launchdeck {

RegistryLoginDialog::RegistryLoginDialog(QWidget* parent)
    : QDialog(parent)
    , m_host(new QLineEdit(this))
    , m_username(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_insecure(new QCheckBox(tr("Insecure registry (plain HTTP)"), this))
    , m_status(new QLabel(this))
    , m_logIn(new QPushButton(tr("Log in"), this))
    , m_logOut(new QPushButton(tr("Log out"), this))
    , m_certificatesFolder(registry::defaultCertificatesFolder())
    , m_keyringTimeout(registry::kKeyringTimeout)
{
    setWindowTitle(tr("Log in to a registry"));
    m_host->setObjectName(QStringLiteral("host"));
    m_host->setPlaceholderText(QStringLiteral("registry.example.com:5000"));
    m_username->setObjectName(QStringLiteral("username"));
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_insecure->setObjectName(QStringLiteral("insecure"));
    m_insecure->setToolTip(tr("For a registry the Docker daemon lists among its insecure "
                              "registries"));
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_logIn->setObjectName(QStringLiteral("logIn"));
    m_logIn->setDefault(true);
    m_logOut->setObjectName(QStringLiteral("logOut"));
    m_logOut->setToolTip(tr("Remove this registry's credentials from the keyring"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Registry:"), m_host);
    form->addRow(tr("&User name:"), m_username);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(QString(), m_insecure);
    auto* buttons = new QDialogButtonBox(this);
    buttons->addButton(m_logIn, QDialogButtonBox::ActionRole);
    buttons->addButton(m_logOut, QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_logIn, &QPushButton::clicked, this, &RegistryLoginDialog::logIn);
    connect(m_logOut, &QPushButton::clicked, this, &RegistryLoginDialog::logOut);
    for (QLineEdit* edit : {m_host, m_username, m_password})
        connect(edit, &QLineEdit::textChanged, this, &RegistryLoginDialog::updateButtons);
    connect(m_password, &QLineEdit::returnPressed, this, &RegistryLoginDialog::logIn);
    updateButtons();
}

RegistryLoginDialog* RegistryLoginDialog::openFor(QWidget* parent, const QString& host)
{
    auto* dialog = new RegistryLoginDialog(parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!host.isEmpty())
        dialog->setHost(host);
    dialog->open();
    return dialog;
}

RegistryLoginDialog::~RegistryLoginDialog() = default;

void RegistryLoginDialog::setHost(const QString& host)
{
    m_host->setText(host);
}

void RegistryLoginDialog::setCertificatesFolder(const QString& folder)
{
    m_certificatesFolder = folder;
}

void RegistryLoginDialog::setKeyringTimeout(std::chrono::milliseconds timeout)
{
    m_keyringTimeout = timeout;
}

QString RegistryLoginDialog::statusText() const
{
    return m_status->text();
}

void RegistryLoginDialog::logIn()
{
    const QString host = registry::normalizedRegistryHost(m_host->text());
    if (m_busy || host.isEmpty() || m_username->text().isEmpty() || m_password->text().isEmpty())
        return;
    registry::RegistryEndpoint endpoint =
        registry::daemonEndpoint(host, m_insecure->isChecked(), m_certificatesFolder);
    endpoint.credentials = registry::RegistryCredentials{m_username->text(), m_password->text()};
    const std::chrono::milliseconds timeout = m_keyringTimeout;
    const int generation = ++m_generation;
    m_busy = true;
    showStatus(tr("Checking the password with %1…").arg(host), false);
    updateButtons();
    QPointer<RegistryLoginDialog> self(this);
    QtConcurrent::run([endpoint, timeout] {
        const Result<QString> done = registry::logInToRegistry(endpoint, timeout);
        return done ? Outcome{true, *done} : Outcome{false, done.error().message};
    }).then(this, [self, generation, host](const Outcome& outcome) {
        if (self && generation == self->m_generation)
            self->finish(Action::LogIn, host, outcome);
    });
}

void RegistryLoginDialog::logOut()
{
    const QString host = registry::normalizedRegistryHost(m_host->text());
    if (m_busy || host.isEmpty())
        return;
    const std::chrono::milliseconds timeout = m_keyringTimeout;
    const int generation = ++m_generation;
    m_busy = true;
    showStatus(tr("Removing the credentials for %1…").arg(host), false);
    updateButtons();
    QPointer<RegistryLoginDialog> self(this);
    QtConcurrent::run([host, timeout] {
        const Result<QString> done = registry::logOutOfRegistry(host, timeout);
        return done ? Outcome{true, *done} : Outcome{false, done.error().message};
    }).then(this, [self, generation, host](const Outcome& outcome) {
        if (self && generation == self->m_generation)
            self->finish(Action::LogOut, host, outcome);
    });
}

void RegistryLoginDialog::finish(Action action, const QString& host, const Outcome& outcome)
{
    m_busy = false;
    showStatus(outcome.message, !outcome.succeeded);
    if (outcome.succeeded)
        m_password->clear();
    updateButtons();
    if (!outcome.succeeded)
        Q_EMIT loginFailed(host, outcome.message);
    else if (action == Action::LogIn)
        Q_EMIT loggedIn(host);
    else
        Q_EMIT loggedOut(host);
}

void RegistryLoginDialog::showStatus(const QString& text, bool failure)
{
    m_status->setText(text);
    QPalette palette = m_status->palette();
    palette.setColor(QPalette::WindowText, failure ? QColor(0xc0, 0x1c, 0x28)
                                                   : this->palette().color(QPalette::WindowText));
    m_status->setPalette(palette);
}

void RegistryLoginDialog::updateButtons()
{
    const bool host = !m_host->text().trimmed().isEmpty();
    m_logIn->setEnabled(!m_busy && host && !m_username->text().isEmpty() &&
                        !m_password->text().isEmpty());
    m_logOut->setEnabled(!m_busy && host);
    for (QWidget* field : {static_cast<QWidget*>(m_host), static_cast<QWidget*>(m_username),
                           static_cast<QWidget*>(m_password), static_cast<QWidget*>(m_insecure)})
        field->setEnabled(!m_busy);
}

} // namespace launchdeck
