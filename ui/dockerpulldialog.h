// The dialog that pulls an image from its registry onto a Docker host, showing each layer's
// status and bytes as `docker pull` does, an overall line and the digest at the end.
#pragma once

#include "docker/dockerimagetransfer.h"

#include <QDialog>
#include <QHash>
#include <QPointer>

class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace launchdeck {

class DockerHost;

class DockerPullDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DockerPullDialog)

public:
    enum LayerColumn { LayerIdColumn, LayerStatusColumn, LayerBytesColumn };

    explicit DockerPullDialog(DockerHost* host, QWidget* parent = nullptr);
    // Cancels a running pull.
    ~DockerPullDialog() override;

    bool isPulling() const { return m_request != 0; }
    QLineEdit* referenceEdit() const { return m_reference; }
    QPushButton* pullButton() const { return m_pullButton; }
    QPushButton* cancelButton() const { return m_cancelButton; }
    QTreeWidget* layersView() const { return m_layers; }
    QLabel* overallLabel() const { return m_overall; }
    QLabel* digestLabel() const { return m_digest; }
    QLabel* statusLabel() const { return m_status; }

public Q_SLOTS:
    void pull();
    void cancelPull();
    void reject() override;

Q_SIGNALS:
    // The pull ended well: `digest` is the manifest's ("sha256:…").
    void imagePulled(const QString& reference, const QString& digest);
    // It failed, in the daemon's words (or the credential lookup's).
    void pullFailed(const QString& reference, const QString& error);

private:
    struct Layer
    {
        QTreeWidgetItem* item = nullptr;
        qint64 downloaded = 0;
        qint64 size = 0; // 0 until the daemon says
        bool complete = false;
    };

    void apply(quint64 request, const QList<PullProgress>& lines);
    void finish(quint64 request, const TransferredImage& image, const QString& error);
    void updateOverall();
    void setPulling(quint64 request);

    QPointer<DockerHost> m_host;
    QLineEdit* m_reference = nullptr;
    QTreeWidget* m_layers = nullptr;
    QLabel* m_overall = nullptr;
    QLabel* m_digest = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_pullButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_closeButton = nullptr;
    QHash<QString, Layer> m_layerRows; // by the layer's short id
    QString m_pulling;                 // the reference of the running or last pull
    quint64 m_request = 0;             // the host's id of the running pull; 0: none
};

} // namespace launchdeck
