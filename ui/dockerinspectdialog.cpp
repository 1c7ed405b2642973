// The inspect document's masking and its read-only presentation.
#include "dockerinspectdialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace launchdeck {

bool looksLikeSecretName(const QString& name)
{
    static const QLatin1String markers[] = {QLatin1String("PASSWORD"), QLatin1String("PASSWD"),
                                            QLatin1String("SECRET"),   QLatin1String("TOKEN"),
                                            QLatin1String("KEY"),      QLatin1String("CREDENTIAL")};
    for (const QLatin1String& marker : markers)
        if (name.contains(marker, Qt::CaseInsensitive))
            return true;
    return false;
}

QJsonObject maskSecretEnvironment(const QJsonObject& inspect)
{
    QJsonObject config = inspect.value(u"Config").toObject();
    const QJsonArray env = config.value(u"Env").toArray();
    if (env.isEmpty())
        return inspect;
    QJsonArray masked;
    for (const QJsonValue& entry : env) {
        const QString text = entry.toString();
        const qsizetype equals = text.indexOf(u'=');
        if (equals > 0 && looksLikeSecretName(text.left(equals)))
            masked.append(QString(text.left(equals + 1) + u"******"));
        else
            masked.append(entry);
    }
    config.insert(QStringLiteral("Env"), masked);
    QJsonObject out = inspect;
    out.insert(QStringLiteral("Config"), config);
    return out;
}

DockerInspectDialog::DockerInspectDialog(const QString& containerName, const QJsonObject& inspect,
                                         QWidget* parent)
    : QDialog(parent)
    , m_text(new QPlainTextEdit(this))
{
    setWindowTitle(tr("Inspect %1").arg(containerName));
    setAttribute(Qt::WA_DeleteOnClose);
    m_text->setReadOnly(true);
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setPlainText(QString::fromUtf8(
        QJsonDocument(maskSecretEnvironment(inspect)).toJson(QJsonDocument::Indented)));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setText(tr("&Close"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_text, 1);
    layout->addWidget(buttons);
    resize(720, 640);
}

QString DockerInspectDialog::text() const
{
    return m_text->toPlainText();
}

} // namespace launchdeck
