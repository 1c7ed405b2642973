// The dialog that builds an image on a Docker host from a folder with a Dockerfile, showing the
// daemon's output as it comes.
#pragma once

#include <QDialog>
#include <QPointer>

#include <memory>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace launchdeck {

class DockerHost;
class DockerImageBuilder;
struct DockerBuildRequest;

class DockerBuildDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerBuildDialog)

public:
    explicit DockerBuildDialog(DockerHost* host, QWidget* parent = nullptr);
    // Cancels a running build; the builder's thread ends at once.
    ~DockerBuildDialog() override;

    bool isBuilding() const { return m_building; }
    // The request the fields describe, or an error for the status line (a build argument
    // without '=', no folder).
    bool describeRequest(DockerBuildRequest* request, QString* error) const;

public Q_SLOTS:
    void build();
    void cancelBuild();
    void reject() override;

Q_SIGNALS:
    // The image was built; `imageId` is "sha256:…".
    void imageBuilt(const QString& imageId);

private:
    void chooseFolder();
    void appendLine(const QString& line, bool error = false);
    void finish(const QString& imageId, const QString& error);
    void setBuilding(bool building);

    QPointer<DockerHost> m_host;
    QLineEdit* m_folder = nullptr;
    QPushButton* m_browse = nullptr;
    QLineEdit* m_dockerfile = nullptr;
    QLineEdit* m_tags = nullptr;
    QPlainTextEdit* m_buildArgs = nullptr;
    QCheckBox* m_noCache = nullptr;
    QPlainTextEdit* m_output = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_buildButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_closeButton = nullptr;
    std::unique_ptr<DockerImageBuilder> m_builder;
    quint64 m_generation = 0; // answers of an earlier builder are dropped
    bool m_building = false;
};

} // namespace launchdeck
