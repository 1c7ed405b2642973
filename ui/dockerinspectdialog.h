// A container's inspect document, indented and read-only, with the values of environment
// variables that look like secrets masked so they never end up on a screen share.
#pragma once

#include <QDialog>
#include <QJsonObject>

class QPlainTextEdit;

namespace launchdeck {

// True for names such as DB_PASSWORD, API_TOKEN, AWS_SECRET_ACCESS_KEY, GIT_CREDENTIALS.
bool looksLikeSecretName(const QString& name);
// The inspect document with Config.Env values of secret-looking names replaced by "******".
QJsonObject maskSecretEnvironment(const QJsonObject& inspect);

class DockerInspectDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerInspectDialog)

public:
    DockerInspectDialog(const QString& containerName, const QJsonObject& inspect,
                        QWidget* parent = nullptr);

    QString text() const;

private:
    QPlainTextEdit* m_text;
};

} // namespace launchdeck
